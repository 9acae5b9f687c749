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

/** A statement as pg sends it: its text ($1… placeholders), values, and name when it is a named one. */
export interface SentStatement {
  text: string;
  values: unknown[];
  name?: string;
}

/** The statements PostgreSQL receives while `run` runs (every pg client of this process: knex's pool and the session store's). */
export async function statementsDuring(run: () => Promise<unknown>): Promise<SentStatement[]> {
  const seen: SentStatement[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    const sent = typeof config === 'string' ? { text: config } : ((config ?? {}) as { text?: string; values?: unknown[]; name?: string });
    seen.push({ text: sent.text ?? String(config), values: sent.values ?? [], ...(sent.name === undefined ? {} : { name: sent.name }) });
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
 * Each statement `run` sends, with the plan EXPLAIN ANALYZE gives for its
 * values (on a connection of its own, after `run`) and its execution time:
 * the plan PostgreSQL runs for a statement sent unnamed; a named one may
 * run its generic plan instead.
 */
export async function explainedDuring(databaseUrl: string, run: () => Promise<unknown>): Promise<(SentStatement & { plan: PlanNode; executionMs: number })[]> {
  const sent = await statementsDuring(run);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const explained = [];
    for (const statement of sent) {
      const [{ Plan, 'Execution Time': executionMs }] = (await client.query(`explain (analyze, format json) ${statement.text}`, statement.values)).rows[0]['QUERY PLAN'];
      explained.push({ ...statement, plan: Plan as PlanNode, executionMs: executionMs as number });
    }
    return explained;
  } finally {
    await client.end();
  }
}

/** The plan of the one statement `run` sends, which must go unnamed: the plan PostgreSQL runs for it (explainedDuring). */
export async function planOf(databaseUrl: string, run: () => Promise<unknown>): Promise<PlanNode> {
  const explained = await explainedDuring(databaseUrl, run);
  if (explained.length !== 1) throw new Error(`expected one statement, got ${explained.length}`);
  if (explained[0]!.name !== undefined) throw new Error(`the statement was sent named (${explained[0]!.name}): it may run a generic plan`);
  return explained[0]!.plan;
}

/** Every scan of a table in the plan: its node type and the rows it read (returned and thrown away), over all its loops. */
export function scansOf(plan: PlanNode): { table: string; nodeType: string; rowsRead: number }[] {
  const scans: { table: string; nodeType: string; rowsRead: number }[] = [];
  const walk = (node: PlanNode) => {
    const table = node['Relation Name'];
    if (table !== undefined) {
      const perLoop = (node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
      scans.push({ table, nodeType: node['Node Type'], rowsRead: perLoop * (node['Actual Loops'] ?? 1) });
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan);
  return scans;
}

/** Rows each scan of `tables` read (returned and thrown away), by table, summed over the plan. */
export function rowsReadFrom(plan: PlanNode, tables: string[]): Record<string, number> {
  const read: Record<string, number> = Object.fromEntries(tables.map((table) => [table, 0]));
  for (const { table, rowsRead } of scansOf(plan)) if (table in read) read[table]! += rowsRead;
  return read;
}
