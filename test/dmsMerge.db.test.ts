import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchOrCreateCustomer, phoneColumns } from '../db/customers';
import { undoDmsBatch } from '../db/dmsUndo';
import { mergeDmsBatch, type DmsCustomerInput, type DmsVehicleInput, type MergeRow } from '../db/dmsMerge';
import { addDmsSource, type DmsKind, type DmsMode } from '../db/dmsSources';
import type { Knex } from '../db/knex';
import { normalizePhone } from '../lib/phones';
import { createLocation, uniqueEmail, uniquePlate } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';

/** P9: the set-based merge of DMS rows into the one customer file and vehicle master, and its undo (PostgreSQL). */
describe('P9: DMS merge into the master (PostgreSQL)', () => {
  let platform: Platform;
  let db: Knex;
  beforeAll(async () => {
    platform = await startPlatform();
    db = platform.db;
  });
  afterAll(() => platform?.close());

  async function world() {
    const { companyId } = await createLocation(db);
    const sourceId = await addDmsSource(db, companyId, 'Garage Peeters');
    let runs = 0;
    const run = async (kind: DmsKind, mode: DmsMode) => {
      const [row] = await db('import_runs')
        .insert({ company_id: companyId, kind: kind === 'customers' ? 'dms_customers' : 'dms_vehicles', mode, dms_source_id: sourceId, workflow_run: `t/${companyId}/${++runs}`, status: 'importing' })
        .returning('id');
      return row.id as number;
    };
    const merge = async (kind: DmsKind, mode: DmsMode, rows: MergeRow<DmsCustomerInput | DmsVehicleInput>[], runId?: number) => {
      const id = runId ?? (await run(kind, mode));
      const outcome = await db.transaction((trx) => mergeDmsBatch(trx, kind, { companyId, sourceId, runId: id, mode, headers: { dms_id: 'Nr', customer_dms_id: 'Klant' } }, rows));
      return { ...outcome, runId: id };
    };
    return { companyId, sourceId, run, merge };
  }

  const customer = (line: number, value: Partial<DmsCustomerInput> & { dms_id: string }): MergeRow<DmsCustomerInput> => ({
    line,
    raw: `raw ${line}`,
    value: { ...value, ...(value.phone ? { phone_normalized: normalizePhone(value.phone) } : {}) },
  });
  const vehicle = (line: number, value: Partial<DmsVehicleInput> & { dms_id: string }): MergeRow<DmsVehicleInput> => ({
    line,
    raw: `raw ${line}`,
    value: { ...value, ...(value.plate ? { plate_normalized: value.plate.toUpperCase().replace(/[^A-Z0-9]/g, '') } : {}) },
  });

  it('adds unknown customers with their DMS id, matches known ones by the master rule, and reports duplicates in the file', async () => {
    const { companyId, sourceId, merge } = await world();
    const known = uniqueEmail('known');
    const existing = await db.transaction((trx) => matchOrCreateCustomer(trx, companyId, { first_name: 'An', last_name: 'Peeters', email: known, phone: '' }));
    const shared = uniqueEmail('shared');
    const result = await merge('customers', 'supplement', [
      customer(2, { dms_id: 'C1', first_name: 'Jan', last_name: 'Claes', email: uniqueEmail('jan'), phone: '0470 11 22 33' }),
      customer(3, { dms_id: 'C2', first_name: 'Anne', last_name: 'Peeters-Other', email: known.toUpperCase() }),
      customer(4, { dms_id: 'C3', last_name: 'Garage NV', email: shared }),
      customer(5, { dms_id: 'C4', last_name: 'Garage NV bis', email: shared }),
      customer(6, { dms_id: 'C1', last_name: 'Same id again' }),
    ]);
    expect(result).toMatchObject({ added: 2, updated: 0, unchanged: 1 });
    expect(result.errors.map((e) => [e.line, e.reason, e.column, e.raw])).toEqual([
      [5, 'duplicateInFile', 'Nr', 'raw 5'],
      [6, 'duplicateInFile', 'Nr', 'raw 6'],
    ]);
    // Supplement left the known customer as it was, and gave it the DMS id.
    expect(await db('customers').where({ id: existing.id }).first('last_name')).toEqual({ last_name: 'Peeters' });
    const links = await db('customer_dms_ids').where({ source_id: sourceId }).orderBy('dms_id').select('dms_id', 'customer_id');
    expect(links.map((l) => l.dms_id)).toEqual(['C1', 'C2', 'C3']);
    expect(links.find((l) => l.dms_id === 'C2')!.customer_id).toBe(existing.id);
    const jan = await db('customers').where({ id: links[0].customer_id }).first();
    expect(jan).toMatchObject({ company_id: companyId, first_name: 'Jan', ...phoneColumns('0470 11 22 33') });
  });

  it('full overwrites what the file fills (never with an empty cell), journals the earlier values, and undo puts them back', async () => {
    const { companyId, merge } = await world();
    const email = uniqueEmail('full');
    const first = await merge('customers', 'supplement', [customer(2, { dms_id: 'F1', first_name: 'Els', last_name: 'Maes', email, city: 'Gent' })]);
    expect(first.added).toBe(1);
    const id = (await db('customers').where({ company_id: companyId, email }).first('id')).id;
    // The same data in supplement: unchanged; in full with a new city and phone: updated, the last name kept (empty cell).
    expect(await merge('customers', 'supplement', [customer(2, { dms_id: 'F1', city: 'Brugge' })])).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    const full = await merge('customers', 'full', [customer(2, { dms_id: 'F1', city: 'Brugge', phone: '+32 470 99 88 77', first_name: 'Els' })]);
    expect(full).toMatchObject({ added: 0, updated: 1, unchanged: 0, updatedFields: { city: 1, phone: 1 } });
    expect(await db('customers').where({ id }).first('last_name', 'city', 'phone', 'phone_normalized')).toEqual({ last_name: 'Maes', city: 'Brugge', phone: '+32 470 99 88 77', phone_normalized: '+32470998877' });

    // Staff change the phone afterwards: undo of the full import gives the city back but keeps the staff's phone.
    await db('customers').where({ id }).update(phoneColumns('0470 00 00 01'));
    await db.transaction((trx) => undoDmsBatch(trx, full.runId, 1000));
    expect(await db('customers').where({ id }).first('city', 'phone')).toEqual({ city: 'Gent', phone: '0470 00 00 01' });

    // Undo of the first import removes the customer it added, unless it is used since.
    await db.transaction((trx) => undoDmsBatch(trx, first.runId, 1000));
    expect(await db('customers').where({ id }).first('id')).toBeUndefined();
  });

  it('links vehicles to their DMS owner, matches by VIN then plate, keeps an owner, and refuses unknown owners', async () => {
    const { companyId, merge } = await world();
    await merge('customers', 'supplement', [customer(2, { dms_id: 'K1', last_name: 'Owner' }), customer(3, { dms_id: 'K2', last_name: 'Other' })]);
    const plate = uniquePlate();
    const [known] = await db('vehicles').insert({ company_id: companyId, plate, plate_normalized: plate.replace(/[^A-Z0-9]/g, ''), vin: '', make: 'VW', model: '' }).returning('id');
    const vin = 'WVWZZZ1KZAW000123';
    const result = await merge('vehicles', 'full', [
      vehicle(2, { dms_id: 'V1', plate, vin, make: 'Volkswagen', model: 'Golf', first_registration: '2019-03-01', mileage_km: 45210, customer_dms_id: 'K1' }),
      vehicle(3, { dms_id: 'V2', plate: uniquePlate(), customer_dms_id: 'NOPE' }),
      vehicle(4, { dms_id: 'V3', vin, customer_dms_id: 'K2' }),
      vehicle(5, { dms_id: 'V4', plate: uniquePlate(), make: 'Opel' }),
    ]);
    expect(result).toMatchObject({ added: 1, updated: 1, unchanged: 0 });
    expect(result.errors.map((e) => [e.line, e.reason, e.column])).toEqual([
      [3, 'unknownCustomer', 'Klant'],
      [4, 'duplicateInFile', 'Nr'],
    ]);
    const row = await db('vehicles').where({ id: known.id }).first();
    const owner = await db('customer_dms_ids').where({ dms_id: 'K1' }).whereIn('customer_id', db('customers').where({ company_id: companyId }).select('id')).first('customer_id');
    expect(row).toMatchObject({ vin, make: 'Volkswagen', model: 'Golf', mileage_km: 45210, customer_id: owner.customer_id });
    // Owned now: a full import naming another owner does not reassign it (M8).
    const again = await merge('vehicles', 'full', [vehicle(2, { dms_id: 'V1', customer_dms_id: 'K2', model: 'Golf Variant' })]);
    expect(again).toMatchObject({ updated: 1, updatedFields: { model: 1 } });
    expect((await db('vehicles').where({ id: known.id }).first('customer_id')).customer_id).toBe(owner.customer_id);
  });

  it('a row of a later batch that comes to a record an earlier batch of the same import came to is a duplicate', async () => {
    const { run, merge } = await world();
    const runId = await run('customers', 'full');
    const email = uniqueEmail('batch');
    expect((await merge('customers', 'full', [customer(2, { dms_id: 'B1', last_name: 'One', email })], runId)).added).toBe(1);
    const later = await merge('customers', 'full', [customer(900, { dms_id: 'B2', last_name: 'Two', email })], runId);
    expect(later.errors).toMatchObject([{ line: 900, reason: 'duplicateInFile', detail: 'B2 (line 2)' }]);
  });
});
