/**
 * THE vehicle master: one row per vehicle per company (B2). Every writer
 * (estimate booking, staff job, lead appointment M8, later the DMS import and
 * the board) finds or creates its vehicle here, inside its own transaction.
 *
 * Keys, enforced by unique indexes: the VIN (lib/vin.ts normalizeVin: upper
 * case, spaces and dashes left out) where a vehicle has one (`vehicles_company_vin`), the
 * normalised plate (lib/plates.ts: "1-abc-234" = "1ABC234") where it has
 * none (`vehicles_company_plate`).
 *
 * Matching rules, within one company:
 * 1. a VIN was given: the vehicle with that VIN; else a vehicle with the
 *    same plate and no VIN yet (it gets the VIN). A vehicle with the same
 *    plate and another VIN is another vehicle (plates move between cars).
 * 2. no VIN was given: a vehicle with the same plate — the customer's own
 *    first, then the one without a VIN, then the most recently added.
 * A match fills the vehicle's blank fields (VIN, make, model, and the owner
 * when it has none) and never overwrites a non-blank one. A vehicle owned
 * by another customer is used and reported (`other_owner`, M8), never
 * reassigned. No match creates the vehicle (`created`) — except where the
 * caller only looks (matchVehicle: the lead's walk-in vehicle, M8).
 *
 * Concurrent calls for the same vehicle queue on transaction-scoped advisory
 * locks keyed by company + VIN / plate; the unique indexes are the last line.
 */
import type { Knex } from 'knex';
import { normalizePlate } from '../lib/plates';
import type { ContactFields } from './customers';
import { normalizeVin } from '../lib/vin';
import { lockKeys } from './customers';

/** What a writer knows of a vehicle; '' (or absent) is blank. */
export interface VehicleFields {
  plate: string;
  vin?: string;
  make?: string;
  model?: string;
}

export type VehicleOutcome = 'created' | 'own' | 'other_owner';

export interface MatchedVehicle {
  id: number;
  outcome: VehicleOutcome;
  /** the vehicle's owner in the master (another customer when other_owner) */
  ownerId: number | null;
}

/** "wvw zzz1jz-xw000001" and "WVWZZZ1JZXW000001" are one VIN: the one spelling is lib/vin.ts's, re-exported for this module's callers. */
export { normalizeVin } from '../lib/vin';

const lockVehicleKeys = (trx: Knex.Transaction, companyId: number, vin: string, plate: string) =>
  lockKeys(trx, [...(vin ? [`vehicle:${companyId}:vin:${vin}`] : []), ...(plate ? [`vehicle:${companyId}:plate:${plate}`] : [])]);

/**
 * THE matching rules above as SQL, for a row `k` with the columns vin and
 * plate (normalised, '' when blank) and customer_id (the writer's customer,
 * or null): a lateral subquery answering the vehicle's id (none: no row).
 * The single-row writers and the DMS import's set-based merge
 * (db/dmsMerge.ts) both match through it. Binds :company_id.
 *
 * Each lookup goes by its key's own index (VIN, plate), the company a filter
 * (`company_id + 0`): a company whose vehicles the statistics do not know yet
 * (its first import, in progress) would otherwise be looked up by the company
 * index alone, reading all its vehicles for every row.
 */
export const vehicleMatchSql = `
  select m.id from (
    (select id, 1 as rank from vehicles
      where company_id + 0 = :company_id and k.vin <> '' and vin <> '' and upper(vin) = k.vin limit 1)
    union all
    -- a VIN the master lacks: the vehicle with that plate and no VIN yet (it gets the VIN)
    (select id, 2 from vehicles
      where company_id + 0 = :company_id and k.vin <> '' and k.plate <> '' and plate_normalized = k.plate and vin = '' limit 1)
    union all
    -- no VIN: the plate, the customer's own vehicle first, then one without a VIN, then the newest
    (select id, 3 from vehicles
      where company_id + 0 = :company_id and k.vin = '' and k.plate <> '' and plate_normalized = k.plate
      order by customer_id is not distinct from k.customer_id desc, vin = '' desc, id desc limit 1)
  ) m order by m.rank limit 1`;

/**
 * The same rules for two new rows `a` and `b` (columns vin, plate, normalised):
 * whether the later would match the earlier, for a set-based writer that
 * creates many vehicles at once (db/dmsMerge.ts).
 */
export const vehiclePairSql = (a: string, b: string) =>
  `((${a}.vin <> '' and ${a}.vin = ${b}.vin) or (${a}.plate <> '' and ${a}.plate = ${b}.plate and (${a}.vin = '' or ${b}.vin = '')))`;

async function findVehicle(trx: Knex | Knex.Transaction, companyId: number, customerId: number | null, vin: string, plate: string) {
  const { rows } = await trx.raw(
    `select v.* from (select cast(:vin as text) as vin, cast(:plate as text) as plate, cast(:customer_id as int) as customer_id) k
     cross join lateral (${vehicleMatchSql}) found join vehicles v on v.id = found.id`,
    { company_id: companyId, vin, plate, customer_id: customerId },
  );
  return rows[0];
}

/** Fills the blanks of a matched vehicle and says whose it is. */
async function useVehicle(trx: Knex.Transaction, row: Record<string, any>, customerId: number | null, vin: string, fields: VehicleFields): Promise<MatchedVehicle> {
  const changes: Record<string, unknown> = {};
  if (vin && !row.vin) changes.vin = vin;
  for (const column of ['make', 'model'] as const) {
    const value = (fields[column] ?? '').trim();
    if (value && !String(row[column] ?? '').trim()) changes[column] = value;
  }
  if (row.customer_id === null && customerId !== null) changes.customer_id = customerId;
  if (Object.keys(changes).length > 0) await trx('vehicles').where({ id: row.id }).update(changes);
  const ownerId: number | null = row.customer_id ?? customerId;
  return { id: row.id, outcome: ownerId === customerId ? 'own' : 'other_owner', ownerId };
}

/**
 * The vehicle of the master that these fields describe (rules at the top),
 * its blanks filled; undefined when the master does not know it.
 */
export async function matchVehicle(trx: Knex.Transaction, companyId: number, customerId: number | null, fields: VehicleFields): Promise<MatchedVehicle | undefined> {
  const vin = normalizeVin(fields.vin);
  const plate = normalizePlate(fields.plate);
  await lockVehicleKeys(trx, companyId, vin, plate);
  const row = await findVehicle(trx, companyId, customerId, vin, plate);
  return row ? useVehicle(trx, row, customerId, vin, fields) : undefined;
}

/**
 * THE vehicle match-or-create (rules at the top of this module): the
 * matched vehicle ('own' or 'other_owner'), or a new one owned by
 * `customerId` ('created'). Call it inside the writer's transaction.
 */
export async function matchOrCreateVehicle(trx: Knex.Transaction, companyId: number, customerId: number | null, fields: VehicleFields): Promise<MatchedVehicle> {
  const found = await matchVehicle(trx, companyId, customerId, fields);
  if (found) return found;
  const vin = normalizeVin(fields.vin);
  const plate = normalizePlate(fields.plate);
  const [created] = await trx('vehicles')
    .insert({
      company_id: companyId,
      customer_id: customerId,
      plate: fields.plate.trim(),
      plate_normalized: plate,
      vin,
      make: (fields.make ?? '').trim(),
      model: (fields.model ?? '').trim(),
    })
    .onConflict(trx.raw(vin ? `(company_id, upper(vin)) where vin <> ''` : `(company_id, plate_normalized) where vin = ''`))
    .ignore()
    .returning('id');
  if (created) return { id: created.id, outcome: 'created', ownerId: customerId };
  // A writer that did not take the locks got there first: theirs is the vehicle.
  const row = await findVehicle(trx, companyId, customerId, vin, plate);
  if (!row) throw new Error(`vehicle ${plate}/${vin} of company ${companyId} conflicts but cannot be found`);
  return useVehicle(trx, row, customerId, vin, fields);
}

/**
 * Staff correct a job's vehicle (its edit form): the record changes in place,
 * unless the corrected VIN or plate is another vehicle's of the company —
 * then that vehicle is the one (its blanks filled) and its id is answered
 * for the job to point at, rather than breaking the master's unique keys.
 */
export async function reviseVehicle(trx: Knex.Transaction, companyId: number, vehicleId: number, fields: Required<VehicleFields>): Promise<number> {
  const vin = normalizeVin(fields.vin);
  const plate = normalizePlate(fields.plate);
  await lockVehicleKeys(trx, companyId, vin, plate);
  const other = await trx('vehicles')
    .where({ company_id: companyId })
    .whereNot({ id: vehicleId })
    .where((w) => (vin ? w.where('vin', '<>', '').whereRaw('upper(vin) = ?', [vin]) : w.where({ plate_normalized: plate, vin: '' })))
    .first();
  if (other) {
    const current = await trx('vehicles').where({ id: vehicleId }).first('customer_id');
    await useVehicle(trx, other, current?.customer_id ?? null, vin, fields);
    return other.id;
  }
  await trx('vehicles')
    .where({ id: vehicleId, company_id: companyId })
    .update({ plate: fields.plate.trim(), plate_normalized: plate, vin, make: fields.make.trim(), model: fields.model.trim() });
  return vehicleId;
}

/** What the master knows of a vehicle and its owner, for a job's look-up (P9). */
export interface VehicleLookup {
  vehicle: {
    id: number;
    plate: string;
    vin: string;
    make: string;
    model: string;
    first_registration: string | null;
    mileage_km: number | null;
    /** the DMS it came from last, and its id there */
    source_name: string | null;
    dms_id: string | null;
  };
  customer: (ContactFields & { id: number; customer_number: string | null }) | null;
}

/**
 * P9: the car icon beside a job's plate and VIN. The vehicle of the master
 * (imported from a DMS or not) these describe, by the same rules every writer
 * matches with (the VIN first, else the plate), and its owner; nothing is
 * changed or locked. Undefined when the master does not know it.
 */
export async function lookupVehicle(db: Knex, companyId: number, fields: { plate?: string; vin?: string }): Promise<VehicleLookup | undefined> {
  const vin = normalizeVin(fields.vin);
  const plate = normalizePlate(fields.plate ?? '');
  if (!vin && !plate) return undefined;
  // A VIN the master does not know may still be a plate it does (the VIN typed in the wrong field is not guessed at).
  const row = (await findVehicle(db, companyId, null, vin, plate)) ?? (vin && plate ? await findVehicle(db, companyId, null, '', plate) : undefined);
  if (!row) return undefined;
  const source = await db('vehicle_dms_ids as l')
    .join('dms_sources as s', 's.id', 'l.source_id')
    .where({ 'l.vehicle_id': row.id })
    .orderBy('l.created_at', 'desc')
    .first('s.name', 'l.dms_id');
  const owner = row.customer_id
    ? await db('customers')
        .where({ id: row.customer_id, company_id: companyId })
        .first('id', 'customer_number', 'first_name', 'last_name', 'email', 'phone', 'street', 'postal_code', 'city')
    : undefined;
  // pg reads a date as local midnight: its local parts are the day.
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = (value: Date | null) => (value ? `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}` : null);
  return {
    vehicle: {
      id: row.id,
      plate: row.plate,
      vin: row.vin,
      make: row.make,
      model: row.model,
      first_registration: day(row.first_registration),
      mileage_km: row.mileage_km,
      source_name: source?.name ?? null,
      dms_id: source?.dms_id ?? null,
    },
    customer: owner ?? null,
  };
}
