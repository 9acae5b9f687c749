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
async function preparedRows<T>(db: Knex, statement: { name?: string; text: string }, values: unknown[]): Promise<T[]> {
  // In a transaction the statement runs on the transaction's connection, as a plain query.
  if (db.isTransaction) return (await db.raw(statement.text.replace(/\$\d+/g, '?'), values as Knex.RawBinding[])).rows as T[];
  // As knex's own queries do, so whatever listens to the queries (logging, a benchmark's EXPLAIN) sees these too.
  db.emit('query', { sql: statement.text, bindings: values, method: 'select', options: {} });
  const connection = (await db.client.acquireConnection()) as pg.PoolClient;
  try {
    // Without a name, pg sends the unnamed statement, which PostgreSQL plans for the values of this run.
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

/** A statement compiled once: its SQL, and for each binding the parameter it takes or the constant built into it. */
interface Compiled {
  /** no name: planned for each run's values (preparedStatementByShape's plannedForEachRunWith) */
  statement: { name?: string; text: string };
  bindings: ({ param: number } | { value: unknown })[];
}

/**
 * Compiles `build`'s query with a placeholder for each of its `arity`
 * parameters, each of which must reach the query as a binding (where,
 * insert and update values do; a placeholder compiled into the SQL text is
 * refused); any other binding, such as a limit, stays as built.
 */
function compile(build: (placeholders: string[]) => Knex.QueryBuilder | Knex.Raw, arity: number, names: string[] = []): Compiled {
  const placeholders = Array.from({ length: arity }, (_, i) => `\u0000prepared parameter ${i}\u0000`);
  const { sql, bindings } = build(placeholders).toSQL().toNative();
  const mapped = bindings.map((value) => {
    const param = placeholders.indexOf(value as string);
    return param === -1 ? { value } : { param };
  });
  placeholders.forEach((placeholder, i) => {
    if (sql.includes(placeholder) || !mapped.some((binding) => 'param' in binding && binding.param === i)) {
      throw new Error(`preparedStatement: parameter ${names[i] ?? i} is not a binding of the query`);
    }
  });
  return { statement: { name: statementName(sql), text: sql }, bindings: mapped };
}

const runCompiled = <T>(db: Knex, { statement, bindings }: Compiled, params: unknown[]) =>
  preparedRows<T>(db, statement, bindings.map((binding) => ('param' in binding ? params[binding.param] : binding.value)));

/**
 * A named statement whose SQL knex compiles once, on its first run, for the
 * hottest look-ups: compiling the check-in page's five-table join and
 * hashing its text for the name cost about 6 % of that page's web CPU on
 * every visit. `build` gets a placeholder for each parameter, which must
 * reach the query as a binding (see compile).
 */
export function preparedStatement<P extends unknown[], T>(build: (db: Knex, ...params: P) => Knex.QueryBuilder | Knex.Raw) {
  let compiled: Compiled | undefined;
  const arity = build.length - 1;
  return async (db: Knex, ...params: P): Promise<T[]> => {
    if (params.length !== arity) throw new Error(`preparedStatement: ${params.length} parameters given, the query takes ${arity}`);
    compiled ??= compile((placeholders) => build(db, ...(placeholders as P)), arity);
    return runCompiled<T>(db, compiled, params);
  };
}

/**
 * preparedStatement for a query whose shape follows which parameters it is
 * given (a search or not, a cursor or not, a filter or not) and a constant
 * built into its SQL (`variant`, such as the page size): one statement for
 * each variant and set of parameters present, each compiled once (the staff
 * lists: building and compiling their query was 5 % of the jobs list's web
 * CPU). `build` gets a placeholder for each parameter present and undefined
 * for each absent one; it may ask whether a parameter is there, never look
 * at its value (a value to derive, such as a search pattern, is a parameter
 * of its own), and must use each one present as a binding.
 *
 * A shape with the parameter `plannedForEachRunWith` present is still
 * compiled once but runs unnamed, planned for each run's values: a search's
 * best plan follows its term (a rare name found from a trigram index, a
 * common one read off the newest-first index until the page is full), and
 * a named statement's generic plan, which knows no term, guessed the common
 * one and read every lead of the company for a rare name.
 */
export function preparedStatementByShape<P extends Record<string, unknown>, T, V extends string | number = never>(
  build: (db: Knex, params: P, variant: V) => Knex.QueryBuilder | Knex.Raw,
  { plannedForEachRunWith }: { plannedForEachRunWith?: keyof P & string } = {},
) {
  const shapes = new Map<string, Compiled>();
  return async (db: Knex, params: P, variant: V): Promise<T[]> => {
    const present = Object.keys(params)
      .filter((name) => params[name] !== undefined)
      .sort();
    const shape = `${variant} ${present.join(' ')}`;
    let compiled = shapes.get(shape);
    if (!compiled) {
      const placeheld = (placeholders: string[]) => Object.fromEntries(present.map((name, i) => [name, placeholders[i]])) as P;
      compiled = compile((placeholders) => build(db, placeheld(placeholders), variant), present.length, present);
      if (plannedForEachRunWith !== undefined && present.includes(plannedForEachRunWith)) compiled = { ...compiled, statement: { text: compiled.statement.text } };
      shapes.set(shape, compiled);
    }
    return runCompiled<T>(db, compiled, present.map((name) => params[name]));
  };
}
