import type { Knex } from 'knex';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listJobs } from '../db/jobs';
import { leadBadge, listLeads } from '../db/leadManager';
import { sessionWithStaff } from '../db/staff';
import { createDb, migrate } from '../db/knex';
import { createJob, createLocation, createStaff, insertLead } from './support/fixtures';
import { createDatabase } from './support/harness';
import { planOf, rowsReadFrom } from './support/plans';
import { insertJobs, insertLeads } from './support/staffLists';

/** The staff lists' searches and the New-leads badge (issue 14): from their indexes; what staff type taken literally. */
describe('staff lists: what the searches and the badge find, and what they read to find it (PostgreSQL)', () => {
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
    // Typed wildcards are characters: "%" finds the one name that has one, "_" likewise, "a%e" nothing.
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

  it('reads only the matching rows of jobs, customers and vehicles, not the whole company, in the plan PostgreSQL runs for the term', async () => {
    const { companyId, location } = await createLocation(db);
    await insertJobs(db, location, 20_000, 'Bulk');
    const target = await createJob(db, location, '7-ZQX-315');
    await named(target, 'Hendrik', 'Quaghebeur');
    // A number no bulk plate or name contains, so each search finds this job alone.
    await db('jobs').where({ id: target.id }).update({ job_number: '900001' });
    target.job_number = '900001';
    // Another company's 300 namesakes: the name's trigram index finds them (it knows no company), but their jobs are never read.
    const { location: elsewhere } = await createLocation(db);
    await insertJobs(db, elsewhere, 300, 'Quaghebeur');
    // As autovacuum leaves them: statistics, and the trigram indexes' pending entries merged (until then PostgreSQL prices
    // a GIN index dear, and reads a whole table instead).
    await db.raw('vacuum analyze jobs, customers, vehicles');

    for (const search of ['quagheb', '7 zqx', target.job_number]) {
      let found: string[] = [];
      // planOf: the search is sent unnamed, so this plan for its term is the one PostgreSQL runs.
      const plan = await planOf(databaseUrl, async () => {
        found = (await listJobs(db, companyId, { search })).jobs.map((job) => job.job_number);
      });
      expect(found).toEqual([target.job_number]);
      // Of 20,301 jobs, customers and vehicles, a few rows each (index pages, not the table); of customers, the namesakes.
      const read = rowsReadFrom(plan, ['jobs', 'customers', 'vehicles']);
      for (const table of ['jobs', 'vehicles']) expect(read[table], `${search}, ${table}: ${JSON.stringify(plan)}`).toBeLessThan(100);
      expect(read.customers, `${search}, customers: ${JSON.stringify(plan)}`).toBeLessThan(search === 'quagheb' ? 400 : 100);
    }
  });

  it('the lead search over all statuses reads the leads that match, by name in either order, e-mail, phone, plate or VIN', async () => {
    const { companyId, location } = await createLocation(db);
    await insertLeads(db, location, 20_000, 'Bulk', 'rejected');
    const target = await insertLead(db, companyId, location.id, {
      first_name: 'Hendrik',
      last_name: 'Quaghebeur',
      email: 'h.q@garage-hq.example',
      phone: '+32 9 876 54 31',
      plate: '7-ZQX-315',
      vin: 'WDB9066331S123456',
    });
    await db.raw('vacuum analyze leads');

    for (const search of ['quagheb', 'Quaghebeur Hend', 'garage-hq', '09 876 54', '7 zqx', '9066331s']) {
      for (const status of ['all', 'new'] as const) {
        let found: number[] = [];
        const plan = await planOf(databaseUrl, async () => {
          found = (await listLeads(db, companyId, { status, search })).leads.map((lead) => lead.id);
        });
        expect(found, `${search}, ${status}`).toEqual([target]);
        expect(rowsReadFrom(plan, ['leads']).leads, `${search}, ${status}: ${JSON.stringify(plan)}`).toBeLessThan(100);
      }
    }
    // A term most leads have is read off the newest-first index until the page is full, not gathered whole and sorted.
    const common = await planOf(databaseUrl, () => listLeads(db, companyId, { status: 'all', search: 'bulk' }));
    expect(rowsReadFrom(common, ['leads']).leads).toBeLessThan(200);
  });

  it('the New-leads badge of a small company beside a large one reads its own few leads, on its own and with the session', async () => {
    // A database of its own: the plan follows how the leads spread over companies, here one large and one small.
    const url = await createDatabase(inject('databaseAdminUrl'));
    const own = createDb(url, 2);
    await migrate(own);
    const large = await createLocation(own);
    const small = await createLocation(own);
    await insertLeads(own, large.location, 3000, 'Large');
    await insertLeads(own, small.location, 3, 'Small');
    const { email } = await createStaff(own, small.companyId, 'service_advisor');
    const { id: staffId } = await own('staff_users').where({ email }).first('id');
    const sid = `badge-${staffId}`;
    await own('sessions').insert({ sid, sess: { cookie: {}, staffId }, expire: new Date(Date.now() + 3_600_000) });
    await own.raw('vacuum analyze leads');
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const leadsRead = async () => {
      await own.raw('select pg_stat_force_next_flush()');
      const { rows } = await own.raw(`select seq_tup_read::int + coalesce(idx_tup_fetch, 0)::int as read from pg_stat_user_tables where relname = 'leads'`);
      return rows[0].read as number;
    };
    try {
      const before = await leadsRead();
      // Past the five custom plans a named statement runs before PostgreSQL may settle on its generic one.
      for (let run = 0; run < 8; run++) {
        expect((await leadBadge(own, small.companyId)).newLeads).toBe(3);
        expect((await sessionWithStaff(pool, sid, Math.ceil(Date.now() / 1000)))?.staff?.leadBadge?.newLeads).toBe(3);
      }
      expect(await leadsRead()).toBeLessThan(before + 16 * 3 * 2);
      expect((await leadBadge(own, large.companyId)).newLeads).toBe(10);
    } finally {
      await pool.end();
      await own.destroy();
    }
  });
});
