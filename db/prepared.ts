import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type pg from 'pg';

/**
 * The rows of a named (prepared) statement, on a connection of knex's pool.
 * PostgreSQL plans a statement of many joins afresh for every plain query
 * (1.5-3 ms for the check-in page's five tables, more than it takes to run);
 * a named one is planned on a connection's first few uses and then runs on
 * its generic plan. For the few hot look-ups of pages every visitor opens.
 * `text` must name its columns (no `select *`): a prepared statement's
 * result columns are fixed, and a migration may add columns to a table.
 */
async function preparedRows<T>(db: Knex, statement: { name: string; text: string }, values: unknown[]): Promise<T[]> {
  // In a transaction the statement runs on the transaction's connection, as a plain query.
  if (db.isTransaction) return (await db.raw(statement.text.replace(/\$\d+/g, '?'), values as Knex.RawBinding[])).rows as T[];
  // As knex's own queries do, so whatever listens to the queries (logging, a benchmark's EXPLAIN) sees these too.
  db.emit('query', { sql: statement.text, bindings: values, method: 'select', options: {} });
  const connection = (await db.client.acquireConnection()) as pg.PoolClient;
  try {
    return (await connection.query<T & pg.QueryResultRow>({ name: statement.name, text: statement.text, values })).rows;
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/**
 * The rows of a query built with knex, run as a named statement named by
 * its SQL text: each shape of the query (with or without a search, a
 * cursor) is one statement, whatever the values.
 */
export async function preparedQuery<T>(db: Knex, query: Knex.QueryBuilder | Knex.Raw): Promise<T[]> {
  const { sql, bindings } = query.toSQL().toNative();
  return preparedRows<T>(db, { name: statementName(sql), text: sql }, [...bindings]);
}

/** A statement's name, from its SQL text: the same text is the same statement on every connection. */
const statementName = (sql: string) => `q-${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;

/**
 * A named statement whose SQL knex compiles once, on its first run, for the
 * hottest look-ups: compiling the check-in page's five-table join and
 * hashing its text for the name cost about 6 % of that page's web CPU on
 * every visit. `build` gets a placeholder for each parameter, which must
 * reach the query as a binding (where, insert and update values do; a
 * placeholder compiled into the SQL text is refused at the first run); any
 * other binding, such as a limit, stays as built.
 */
export function preparedStatement<P extends unknown[], T>(build: (db: Knex, ...params: P) => Knex.QueryBuilder | Knex.Raw) {
  let compiled: { statement: { name: string; text: string }; bindings: ({ param: number } | { value: unknown })[] } | undefined;
  const arity = build.length - 1;
  return async (db: Knex, ...params: P): Promise<T[]> => {
    if (params.length !== arity) throw new Error(`preparedStatement: ${params.length} parameters given, the query takes ${arity}`);
    if (!compiled) {
      const placeholders = Array.from({ length: arity }, (_, i) => `\u0000prepared parameter ${i}\u0000`);
      const { sql, bindings } = build(db, ...(placeholders as P)).toSQL().toNative();
      const mapped = bindings.map((value) => {
        const param = placeholders.indexOf(value as string);
        return param === -1 ? { value } : { param };
      });
      placeholders.forEach((placeholder, i) => {
        if (sql.includes(placeholder) || !mapped.some((binding) => 'param' in binding && binding.param === i)) {
          throw new Error(`preparedStatement: parameter ${i} is not a binding of the query`);
        }
      });
      compiled = { statement: { name: statementName(sql), text: sql }, bindings: mapped };
    }
    const values = compiled.bindings.map((binding) => ('param' in binding ? params[binding.param] : binding.value));
    return preparedRows<T>(db, compiled.statement, values);
  };
}
