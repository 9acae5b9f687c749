import type { Knex } from 'knex';
import pg from 'pg';

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** The statements PostgreSQL receives while `run` runs (every pg client of this process: knex's pool and the session store's), with the name of each named one. */
export async function statementsDuring(run: () => Promise<unknown>): Promise<{ text: string; name?: string }[]> {
  const seen: { text: string; name?: string }[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    const { text, name } = typeof config === 'string' ? { text: config, name: undefined } : ((config ?? {}) as { text?: string; name?: string });
    seen.push({ text: text ?? String(config), ...(name === undefined ? {} : { name }) });
    return (query as (...args: unknown[]) => unknown).call(this, config, ...rest);
  } as typeof query;
  try {
    await run();
  } finally {
    pg.Client.prototype.query = query;
  }
  return seen;
}

/**
 * The plan of the one statement `run` sends through `db`, run by EXPLAIN
 * ANALYZE for the values it was given: the plan PostgreSQL runs for a
 * statement sent unnamed. Refused for a named one, which may run a generic
 * plan instead.
 */
export async function planOf(db: Knex, databaseUrl: string, run: () => Promise<unknown>): Promise<PlanNode> {
  const captured: { sql: string; bindings: readonly unknown[] }[] = [];
  const record = (query: { sql: string; bindings?: readonly unknown[] }) => captured.push({ sql: query.sql, bindings: query.bindings ?? [] });
  db.on('query', record);
  let sent: { text: string; name?: string }[];
  try {
    sent = await statementsDuring(run);
  } finally {
    db.off('query', record);
  }
  if (captured.length !== 1 || sent.length !== 1) throw new Error(`expected one statement, got ${captured.length} (${sent.length} sent)`);
  if (sent[0]!.name !== undefined) throw new Error(`the statement was sent named (${sent[0]!.name}): it may run a generic plan`);
  const [{ sql, bindings }] = captured as [(typeof captured)[0]];
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(`explain (analyze, format json) ${text}`, bindings as unknown[])).rows[0]['QUERY PLAN'][0].Plan;
  } finally {
    await client.end();
  }
}

/** Rows each scan of `tables` read (returned and thrown away), by table, summed over the plan. */
export function rowsReadFrom(plan: PlanNode, tables: string[]): Record<string, number> {
  const read: Record<string, number> = Object.fromEntries(tables.map((table) => [table, 0]));
  const walk = (node: PlanNode) => {
    const table = node['Relation Name'];
    if (table !== undefined && table in read) {
      const perLoop = (node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
      read[table]! += perLoop * (node['Actual Loops'] ?? 1);
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  return read;
}
