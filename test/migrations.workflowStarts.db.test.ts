import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../db/knex';
import { createJob, createLocation, insertLead } from './support/fixtures';
import { databaseMigratedTo } from './support/migrations';

const HOUR = 3_600_000;

/**
 * Issue 14: the worker no longer scans every lead, appointment and job at
 * start. An existing database loses nothing: the migration puts what those
 * scans considered into the outbox once, and the sweep starts them.
 */
describe('migration 20261204100000_workflow_starts: the outbox starts with what the start-up scans considered', () => {
  let db: Knex;
  beforeAll(async () => {
    db = await databaseMigratedTo('20261203000000_dms_datastore');
  });
  afterAll(() => db?.destroy());

  it('New leads, planned appointments to come and jobs not picked up; nothing else', async () => {
    const { companyId, location } = await createLocation(db);
    const waiting = await insertLead(db, companyId, location.id);
    const decided = await insertLead(db, companyId, location.id, { status: 'rejected' });
    const appointment = async (startsAt: number, status = 'planned') =>
      (await db('appointments').insert({ company_id: companyId, location_id: location.id, starts_at: new Date(startsAt), ends_at: new Date(startsAt + HOUR), status }).returning('id'))[0].id as number;
    const coming = await appointment(Date.now() + 24 * HOUR);
    const over = await appointment(Date.now() - 24 * HOUR);
    const cancelled = await appointment(Date.now() + 24 * HOUR, 'cancelled');
    const open = await createJob(db, location);
    const done = await createJob(db, location);
    await db('jobs').where({ id: done.id }).update({ step: 'picked_up' });

    await migrate(db);
    const rows = await db('workflow_starts').orderBy(['kind', 'key']).select('kind', 'key');
    expect(rows).toEqual([
      { kind: 'checkin', key: coming },
      { kind: 'job', key: open.id },
      { kind: 'lead', key: waiting },
    ]);
    expect(rows.map((row) => row.key)).not.toContain(decided);
    expect(rows.map((row) => row.key)).not.toContain(over);
    await db('workflow_starts').delete(); // as the sweep leaves it

    // From now on each writer's transaction adds its row (the trigger): a lead, a job, an appointment moved back to planned.
    const later = await insertLead(db, companyId, location.id);
    const next = await createJob(db, location);
    await db('appointments').where({ id: cancelled }).update({ status: 'planned' });
    await db('appointments').where({ id: coming }).update({ notes: 'no move, no row' });
    expect(await db('workflow_starts').orderBy(['kind', 'key']).select('kind', 'key')).toEqual([
      { kind: 'checkin', key: cancelled },
      { kind: 'job', key: next.id },
      { kind: 'lead', key: later },
    ]);
  });
});
