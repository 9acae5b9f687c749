import type { Knex } from 'knex';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listJobs } from '../db/jobs';
import { createDb, migrate } from '../db/knex';
import { createJob, createLocation } from './support/fixtures';
import { createDatabase } from './support/harness';
import { insertJobs } from './support/staffLists';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows each scan of `tables` read (returned and thrown away), by table, summed over the plan. */
function rowsReadFrom(plan: PlanNode, tables: string[]): Record<string, number> {
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

/** The staff jobs list's search (issue 14): job number, customer name or plate, from their indexes; what staff type taken literally. */
describe('jobs search: what it finds, and what it reads to find it (PostgreSQL)', () => {
  let db: Knex;
  let databaseUrl: string;
  beforeAll(async () => {
    databaseUrl = await createDatabase(inject('databaseAdminUrl'));
    db = createDb(databaseUrl, 4);
    await migrate(db);
  });
  afterAll(() => db?.destroy());

  const named = async (job: { id: number }, first_name: string, last_name: string) => {
    const { customer_id } = await db('jobs').where({ id: job.id }).first('customer_id');
    await db('customers').where({ id: customer_id }).update({ first_name, last_name });
  };
  const numbersFound = async (companyId: number, search: string) => (await listJobs(db, companyId, { search })).jobs.map((job) => job.job_number).sort();

  it('finds a job by its number, any part of the customer name in any case, any part of the plate in any notation; % and _ are literal', async () => {
    const { companyId, location } = await createLocation(db);
    const marie = await createJob(db, location, '1-QXW-482');
    await named(marie, 'Marie', 'Vandersteen');
    const garage = await createJob(db, location, '2-ABC-100');
    await named(garage, 'Auto', '100% Service_BV');
    const karel = await createJob(db, location, 'AB-12-CD');
    // Another company's job with the same customer name and plate is never shown.
    const other = await createLocation(db);
    await named(await createJob(db, other.location, '1-QXW-482'), 'Marie', 'Vandersteen');

    expect(await numbersFound(companyId, marie.job_number)).toEqual([marie.job_number]);
    expect(await numbersFound(companyId, 'vanderST')).toEqual([marie.job_number]);
    expect(await numbersFound(companyId, 'marie vandersteen')).toEqual([marie.job_number]);
    expect(await numbersFound(companyId, ' qxw 48 ')).toEqual([marie.job_number]);
    expect(await numbersFound(companyId, '1qxw482')).toEqual([marie.job_number]);
    expect(await numbersFound(companyId, 'b-12-c')).toEqual([karel.job_number]);
    // Typed wildcards are characters: "%" finds the one name that has one, "_" likewise, "1_0" nothing.
    expect(await numbersFound(companyId, '%')).toEqual([garage.job_number]);
    expect(await numbersFound(companyId, '100%')).toEqual([garage.job_number]);
    expect(await numbersFound(companyId, 'service_bv')).toEqual([garage.job_number]);
    expect(await numbersFound(companyId, 'Service_')).toEqual([garage.job_number]);
    expect(await numbersFound(companyId, 'a%e')).toEqual([]);
    expect(await numbersFound(companyId, 'Service\\')).toEqual([]);
    expect(await numbersFound(companyId, 'nobody')).toEqual([]);
    // No search: every job, newest first.
    expect((await listJobs(db, companyId)).jobs.map((job) => job.job_number)).toEqual([karel, garage, marie].map((job) => job.job_number));
  });

  it('a search pages on like the list: 50 a page, newest first, none twice', async () => {
    const { companyId, location } = await createLocation(db);
    await insertJobs(db, location, 70, 'Pagesearch');
    const first = await listJobs(db, companyId, { search: 'pagesearch' });
    expect(first.jobs).toHaveLength(50);
    const second = await listJobs(db, companyId, { search: 'pagesearch', before: first.next! });
    expect(second.jobs).toHaveLength(20);
    expect(second.next).toBeNull();
    const numbers = [...first.jobs, ...second.jobs].map((job) => job.job_number);
    expect(new Set(numbers).size).toBe(70);
    expect(first.jobs[0]!.last_name).toBe('Client1');
    expect(second.jobs.at(-1)!.last_name).toBe('Client70');
  });

  it('reads only the matching rows of jobs, customers and vehicles, not the whole company, in the plan PostgreSQL runs and in the generic one', async () => {
    const { companyId, location } = await createLocation(db);
    await insertJobs(db, location, 20_000, 'Bulk');
    const target = await createJob(db, location, '7-ZQX-315');
    await named(target, 'Hendrik', 'Quaghebeur');
    // A number no bulk plate or name contains, so each search finds this job alone.
    await db('jobs').where({ id: target.id }).update({ job_number: '900001' });
    target.job_number = '900001';
    // As autovacuum leaves them: statistics, and the trigram indexes' pending entries merged (until then PostgreSQL prices
    // a GIN index dear, and reads a whole table instead).
    await db.raw('vacuum analyze jobs, customers, vehicles');

    for (const search of ['quagheb', '7 zqx', target.job_number]) {
      const captured: { sql: string; bindings: readonly unknown[] }[] = [];
      const record = (query: { sql: string; bindings?: readonly unknown[] }) => captured.push({ sql: query.sql, bindings: query.bindings ?? [] });
      db.on('query', record);
      try {
        expect((await listJobs(db, companyId, { search })).jobs.map((job) => job.job_number)).toEqual([target.job_number]);
      } finally {
        db.off('query', record);
      }
      expect(captured).toHaveLength(1);
      let n = 0;
      const text = captured[0]!.sql.replace(/\?/g, () => `$${++n}`);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const custom = (await client.query(`explain (analyze, format json) ${text}`, captured[0]!.bindings as unknown[])).rows[0]['QUERY PLAN'][0].Plan;
        // A named statement runs its generic plan once PostgreSQL finds it no dearer: that plan must read little too.
        await client.query(`set plan_cache_mode = force_generic_plan`);
        await client.query(`prepare search as ${text}`);
        const literals = captured[0]!.bindings.map((value) => `'${String(value).replace(/'/g, "''")}'`).join(', ');
        const generic = (await client.query(`explain (analyze, format json) execute search(${literals})`)).rows[0]['QUERY PLAN'][0].Plan;
        for (const [kind, plan] of [['custom', custom], ['generic', generic]] as const) {
          const read = rowsReadFrom(plan, ['jobs', 'customers', 'vehicles']);
          // Of 20,001 jobs, customers and vehicles, a few dozen rows at most (index pages, not the table).
          expect(read, `${search}, ${kind} plan: ${JSON.stringify(plan)}`).toEqual({ jobs: expect.any(Number), customers: expect.any(Number), vehicles: expect.any(Number) });
          for (const [table, rows] of Object.entries(read)) expect(rows, `${search}, ${kind} plan, ${table}: ${JSON.stringify(plan)}`).toBeLessThan(100);
        }
      } finally {
        await client.end();
      }
    }
  });
});
