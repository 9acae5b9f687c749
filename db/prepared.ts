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
  return preparedRows<T>(db, { name: `q-${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`, text: sql }, [...bindings]);
}
