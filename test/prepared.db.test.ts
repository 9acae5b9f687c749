import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findCheckinByTokenHash } from '../db/checkin';
import { createDb, migrate } from '../db/knex';
import { preparedStatement, preparedStatementByShape } from '../db/prepared';
import { hashToken } from '../lib/tokens';
import { appointmentWithCheckinLink } from './support/checkin';
import { createLocation } from './support/fixtures';
import { createDatabase } from './support/harness';
import { statementsDuring } from './support/plans';

/** Issue 14: the hot look-ups as named statements whose SQL knex compiles once (db/prepared.ts). */
describe('preparedStatement: knex compiles the query once, every run binds its own values', () => {
  let db: Knex;

  beforeAll(async () => {
    db = createDb(await createDatabase(inject('databaseAdminUrl')), 4);
    await migrate(db);
  });
  afterAll(() => db?.destroy());

  it('answers each run with its own values, the constants of the query kept as built', async () => {
    const { companyId } = await createLocation(db, { name: 'Garage One', slug: 'prepared-one' });
    await createLocation(db, { companyId, name: 'Garage Two', slug: 'prepared-two' });
    let built = 0;
    const bySlug = preparedStatement<[slug: string], { name: string }>((q, slug) => {
      built++;
      return q('locations').where({ slug }).select('name').limit(1);
    });
    expect(await bySlug(db, 'prepared-one')).toEqual([{ name: 'Garage One' }]);
    expect(await bySlug(db, 'prepared-two')).toEqual([{ name: 'Garage Two' }]);
    expect(await bySlug(db, 'no-such-slug')).toEqual([]);
    expect(built).toBe(1);
  });

  it('runs on the transaction it is given, where its changes are seen', async () => {
    const names = preparedStatement<[companyId: number], { name: string }>((q, companyId) => q('locations').where({ company_id: companyId }).orderBy('name').select('name'));
    const { companyId } = await createLocation(db, { name: 'Before', slug: 'prepared-trx' });
    await db.transaction(async (trx) => {
      await trx('locations').where({ company_id: companyId }).update({ name: 'Inside' });
      expect(await names(trx, companyId)).toEqual([{ name: 'Inside' }]);
      await trx.rollback();
    }).catch(() => undefined);
    expect(await names(db, companyId)).toEqual([{ name: 'Before' }]);
  });

  it('refuses a parameter that would be compiled into the SQL text instead of bound', async () => {
    const inlined = preparedStatement<[column: string], unknown>((q, column) => q('locations').select(column));
    await expect(inlined(db, 'name')).rejects.toThrow(/parameter 0 is not a binding/);
  });

  it('by shape: one statement per set of parameters present and variant, each compiled once', async () => {
    const { companyId } = await createLocation(db, { name: 'Shape Alpha', slug: 'shape-alpha' });
    await createLocation(db, { companyId, name: 'Shape Beta', slug: 'shape-beta' });
    await createLocation(db, { companyId, name: 'Shape Gamma', slug: 'shape-gamma' });
    const built: string[] = [];
    const names = preparedStatementByShape<{ companyId: number; pattern?: string; after?: string }, { name: string }, number>((q, { companyId, pattern, after }, limit) => {
      built.push(`${limit}${pattern === undefined ? '' : ' pattern'}${after === undefined ? '' : ' after'}`);
      const query = q('locations').where({ company_id: companyId }).orderBy('name').select('name').limit(limit, { skipBinding: true });
      if (pattern !== undefined) query.where('name', 'like', pattern);
      if (after !== undefined) query.where('name', '>', after);
      return query;
    });
    const run = async (params: Parameters<typeof names>[1], limit = 10) => (await names(db, params, limit)).map((row) => row.name);
    expect(await run({ companyId })).toEqual(['Shape Alpha', 'Shape Beta', 'Shape Gamma']);
    expect(await run({ companyId, pattern: '%a' })).toEqual(['Shape Alpha', 'Shape Beta', 'Shape Gamma']);
    expect(await run({ companyId, pattern: '%Beta' })).toEqual(['Shape Beta']);
    expect(await run({ companyId, pattern: undefined, after: 'Shape Alpha' })).toEqual(['Shape Beta', 'Shape Gamma']);
    expect(await run({ after: 'Shape Beta', companyId, pattern: 'Shape%' })).toEqual(['Shape Gamma']);
    expect(await run({ companyId }, 1)).toEqual(['Shape Alpha']);
    expect(await run({ companyId: companyId + 1000 })).toEqual([]);
    // The order the parameters come in is not a shape of its own.
    expect(await run({ pattern: 'Shape G%', companyId })).toEqual(['Shape Gamma']);
    expect(built.sort()).toEqual(['1', '10', '10 after', '10 pattern', '10 pattern after'].sort());
  });

  it('by shape: a shape with the plannedForEachRunWith parameter goes unnamed (planned for its values), the others named', async () => {
    const { companyId } = await createLocation(db, { name: 'Planned Alpha', slug: 'planned-alpha' });
    const names = preparedStatementByShape<{ companyId: number; pattern?: string }, { name: string }>(
      (q, { companyId, pattern }) => {
        const query = q('locations').where({ company_id: companyId }).select('name');
        if (pattern !== undefined) query.where('name', 'like', pattern);
        return query;
      },
      { plannedForEachRunWith: 'pattern' },
    );
    const sent = await statementsDuring(async () => {
      expect(await names(db, { companyId }, undefined as never)).toEqual([{ name: 'Planned Alpha' }]);
      expect(await names(db, { companyId, pattern: '%Alpha' }, undefined as never)).toEqual([{ name: 'Planned Alpha' }]);
      expect(await names(db, { companyId, pattern: '%Beta' }, undefined as never)).toEqual([]);
    });
    const ours = sent.filter((statement) => statement.text.includes('"locations"'));
    expect(ours.map((statement) => [statement.name !== undefined, statement.text.includes('like')])).toEqual([
      [true, false],
      [false, true],
      [false, true],
    ]);
  });

  it('by shape: refuses a parameter given that the query does not bind', async () => {
    const ignoring = preparedStatementByShape<{ companyId: number; unused?: string }, unknown>((q, { companyId }) => q('locations').where({ company_id: companyId }));
    expect(await ignoring(db, { companyId: -1 }, undefined as never)).toEqual([]);
    await expect(ignoring(db, { companyId: -1, unused: 'x' }, undefined as never)).rejects.toThrow(/parameter unused is not a binding/);
  });

  it('C2: the check-in page finds the appointment of each link, and none for an unknown one', async () => {
    const { location } = await createLocation(db, { slug: 'prepared-checkin' });
    const first = await appointmentWithCheckinLink(db, location);
    const second = await appointmentWithCheckinLink(db, location, { customer: { customer_number: '10002' } });
    const a = await findCheckinByTokenHash(db, hashToken(first.token));
    const b = await findCheckinByTokenHash(db, hashToken(second.token));
    expect(a?.id).toBe(first.appointment.id);
    expect(b?.id).toBe(second.appointment.id);
    expect(a).toMatchObject({ location_slug: 'prepared-checkin', first_name: 'Marie', make: 'Volvo' });
    expect(await findCheckinByTokenHash(db, hashToken('no-such-token'))).toBeUndefined();
  });
});
