/**
 * W2: THE writer of appointments that come from a workshop planning system
 * (the API push, web/api; the CSV files, activities/imports). Callers check
 * the shape (zod); this module applies the business rules:
 *
 * - the appointment is a plain service appointment of one of the company's
 *   locations, found by our slug or id (a company with one location may
 *   leave it out);
 * - its customer and vehicle go through THE master (db/customers.ts,
 *   db/vehicles.ts) when the planner names any of them; only the start is
 *   required;
 * - one appointment per (company, source, planner id): the row's
 *   transaction first takes an advisory lock on that key, so two pushes of
 *   the same id at once queue and the second finds the first's row (the
 *   unique index appointments_external is the last line);
 * - a changed appointment is updated (time, work description, notes,
 *   contact, customer and vehicle); a field the planner leaves out stays as
 *   it is. The job, and so the board column (the job's D4 step), the colour
 *   and the comments are never touched: a column staff set on the board is
 *   never overwritten;
 * - `cancelled: true` cancels a planned appointment, unless its card left
 *   New (the vehicle is in: staff decide, not the planner); a cancelled or
 *   done appointment is never revived by a push;
 * - every added, updated or cancelled appointment records a board change
 *   ('imported') in its transaction.
 *
 * One transaction per row: good rows are kept when others fail. Workflows
 * are not started here: each outcome says what its D2 check-in workflow
 * must hear (`checkin`), and clients/appointmentImport.ts tells it.
 */
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { columnOfStep } from '../lib/board';
import type { JobStep } from '../workflows/jobLifecycle.contract';
import { recordBoardChange } from './boardEvents';
import { matchOrCreateCustomer } from './customers';
import { matchOrCreateVehicle, normalizeVin } from './vehicles';
import { normalizePlate } from '../lib/plates';

/** One appointment as the planning system describes it. Absent (undefined) = not given. */
export interface ImportedAppointment {
  /** the planner's id of the appointment: the key of every later push */
  external_id: string;
  /** which planning system; defaults to the batch's source (ImportOptions) */
  source?: string;
  /** our location's slug or id; may be left out when the company has one location */
  location?: string | number;
  /** ISO 8601 (or 'yyyy-MM-dd HH:mm'); without an offset it is the location's local time */
  starts_at: string | Date;
  ends_at?: string | Date;
  /** used when ends_at is not given; a new appointment without either lasts defaultDurationMinutes */
  duration_minutes?: number;
  customer?: {
    first_name?: string;
    last_name?: string;
    email?: string;
    phone?: string;
    customer_number?: string;
    /** en nl fr de */
    language?: string;
  };
  vehicle?: { plate?: string; vin?: string; make?: string; model?: string };
  work_description?: string;
  notes?: string;
  /** cancelled in the planner */
  cancelled?: boolean;
}

export interface ImportOptions {
  /** the source of rows that name none (plannerSource unless a company's files say otherwise) */
  source: string;
}

/** The source of planner rows that name none, by API push and CSV alike: one planner id is one appointment either way. */
export const plannerSource = 'planner';

/** Why a row was not written (failed), or why a row changed nothing (unchanged). */
export type ImportReason =
  | 'unknownLocation'
  | 'locationRequired'
  | 'invalidStart'
  | 'invalidEnd'
  | 'cancelRefused'
  | 'rejectedByDatabase'
  | 'cancelled'
  | 'done'
  | 'cancelledBeforeImport';

/** What the appointment's D2 check-in workflow must hear after the commit ('start' keeps a running one). */
export type CheckinFollowUp = 'start' | 'rescheduled' | 'cancelled';

export interface ImportOutcome {
  outcome: 'added' | 'updated' | 'unchanged' | 'failed';
  appointmentId?: number;
  reason?: ImportReason;
  /** for developers: what exactly was wrong */
  detail?: string;
  checkin?: CheckinFollowUp;
}

export const defaultDurationMinutes = 60;

/** A row the rules refuse; anything else thrown is not the row's fault and goes up. */
class RowRefused extends Error {
  constructor(
    readonly reason: ImportReason,
    detail: string,
  ) {
    super(detail);
  }
}

interface ImportLocation {
  id: number;
  slug: string;
  time_zone: string;
}

/** Finds a row's location among the company's: by id, by slug, or the only one. */
export class LocationResolver {
  private constructor(private readonly locations: ImportLocation[]) {}

  static async forCompany(db: Knex, companyId: number): Promise<LocationResolver> {
    return new LocationResolver(await db('locations').where({ company_id: companyId }).orderBy('id').select('id', 'slug', 'time_zone'));
  }

  resolve(reference: string | number | undefined): ImportLocation | 'unknownLocation' | 'locationRequired' {
    const given = typeof reference === 'string' ? reference.trim() : reference;
    if (given === undefined || given === '') return this.locations.length === 1 ? this.locations[0]! : 'locationRequired';
    const found =
      typeof given === 'number' || /^[0-9]+$/.test(given)
        ? this.locations.find((l) => l.id === Number(given)) ?? this.locations.find((l) => l.slug === String(given))
        : this.locations.find((l) => l.slug === given);
    return found ?? 'unknownLocation';
  }
}

/** A planner's time: absolute, or the location's wall clock when it carries no offset. */
export function plannerTime(value: string | Date, timeZone: string): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  const text = value.trim();
  const parsed = [DateTime.fromISO(text, { zone: timeZone }), DateTime.fromSQL(text, { zone: timeZone })].find((t) => t.isValid);
  return parsed?.toJSDate();
}

const sourceOf = (row: ImportedAppointment, options: ImportOptions) => (row.source ?? '').trim() || options.source;

/**
 * Imports `rows` for `companyId`, each in its own transaction, and answers an
 * outcome per row in the same order. Throws only for what is not a row's
 * fault (the database is gone): rows before it are kept, a retry of the
 * batch finds them unchanged.
 */
export async function importAppointments(db: Knex, companyId: number, rows: ImportedAppointment[], options: ImportOptions): Promise<ImportOutcome[]> {
  const locations = await LocationResolver.forCompany(db, companyId);
  const outcomes: ImportOutcome[] = [];
  for (const row of rows) outcomes.push(await importAppointment(db, companyId, row, options, locations));
  return outcomes;
}

/** One row, one transaction (see the rules at the top). */
export async function importAppointment(
  db: Knex,
  companyId: number,
  row: ImportedAppointment,
  options: ImportOptions,
  locations?: LocationResolver,
): Promise<ImportOutcome> {
  try {
    const location = (locations ?? (await LocationResolver.forCompany(db, companyId))).resolve(row.location);
    if (typeof location === 'string') throw new RowRefused(location, `location ${JSON.stringify(row.location ?? null)} is not one of company ${companyId}`);
    const startsAt = plannerTime(row.starts_at, location.time_zone);
    if (!startsAt) throw new RowRefused('invalidStart', `starts_at ${JSON.stringify(row.starts_at)} is no date and time`);
    const endsAt = row.ends_at !== undefined ? plannerTime(row.ends_at, location.time_zone) : undefined;
    if (row.ends_at !== undefined && !endsAt) throw new RowRefused('invalidEnd', `ends_at ${JSON.stringify(row.ends_at)} is no date and time`);
    if (endsAt && endsAt <= startsAt) throw new RowRefused('invalidEnd', 'ends_at is not after starts_at');
    if (row.duration_minutes !== undefined && !(row.duration_minutes > 0)) throw new RowRefused('invalidEnd', 'duration_minutes is not positive');

    return await db.transaction(async (trx) => {
      const source = sourceOf(row, options);
      const externalId = row.external_id.trim();
      await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`appointment-import:${companyId}:${source}:${externalId}`]);
      const current = await trx('appointments as a')
        .leftJoin('jobs as j', 'j.id', 'a.job_id')
        .leftJoin('vehicles as v', 'v.id', 'a.vehicle_id')
        .where({ 'a.company_id': companyId, 'a.external_source': source, 'a.external_id': externalId })
        .forUpdate('a')
        .first('a.*', 'j.step as job_step', 'v.plate_normalized as vehicle_plate', 'v.vin as vehicle_vin');
      const wanted = { startsAt, endsAt, locationId: location.id };
      if (!current) return addAppointment(trx, companyId, source, externalId, row, wanted);
      return updateAppointment(trx, companyId, current, row, wanted);
    });
  } catch (error) {
    if (error instanceof RowRefused) return { outcome: 'failed', reason: error.reason, detail: error.message };
    // A value PostgreSQL refuses (data exception 22xxx, a constraint 23xxx) is this row's; the others go on.
    const code = String((error as { code?: unknown }).code ?? '');
    if (/^2[23]/.test(code)) return { outcome: 'failed', reason: 'rejectedByDatabase', detail: (error as Error).message };
    throw error;
  }
}

type Wanted = { startsAt: Date; endsAt: Date | undefined; locationId: number };

const hasCustomer = (c: ImportedAppointment['customer']) =>
  !!c && [c.first_name, c.last_name, c.email, c.phone, c.customer_number].some((value) => (value ?? '').trim() !== '');

const hasVehicle = (v: ImportedAppointment['vehicle']) => !!v && [v.plate, v.vin].some((value) => (value ?? '').trim() !== '');

async function matchCustomer(trx: Knex.Transaction, companyId: number, c: NonNullable<ImportedAppointment['customer']>) {
  const matched = await matchOrCreateCustomer(trx, companyId, {
    customer_number: c.customer_number ?? null,
    first_name: c.first_name ?? '',
    last_name: c.last_name ?? '',
    email: c.email ?? '',
    phone: c.phone ?? '',
    ...(c.language ? { language: c.language } : {}),
  });
  return trx('customers').where({ id: matched.id }).first('id', 'first_name', 'last_name', 'email', 'phone', 'language');
}

/** The appointment's own contact: what the planner sent, the master's where it sent nothing. */
function contactOf(c: NonNullable<ImportedAppointment['customer']>, master: Record<string, string> | undefined, current?: Record<string, string>) {
  const contact: Record<string, string> = {};
  for (const field of ['first_name', 'last_name', 'email', 'phone', 'language'] as const) {
    const sent = c[field];
    if (sent === undefined && current) continue;
    contact[field] = (sent ?? '').trim() || master?.[field] || (field === 'language' ? (current?.language ?? 'en') : '');
  }
  return contact;
}

const vehicleFields = (v: NonNullable<ImportedAppointment['vehicle']>) => ({ plate: v.plate ?? '', vin: v.vin ?? '', make: v.make ?? '', model: v.model ?? '' });

async function addAppointment(
  trx: Knex.Transaction,
  companyId: number,
  source: string,
  externalId: string,
  row: ImportedAppointment,
  { startsAt, endsAt, locationId }: Wanted,
): Promise<ImportOutcome> {
  if (row.cancelled) return { outcome: 'unchanged', reason: 'cancelledBeforeImport' };
  const customer = hasCustomer(row.customer) ? await matchCustomer(trx, companyId, row.customer!) : undefined;
  const vehicle = hasVehicle(row.vehicle) ? await matchOrCreateVehicle(trx, companyId, customer?.id ?? null, vehicleFields(row.vehicle!)) : undefined;
  const minutes = row.duration_minutes ?? defaultDurationMinutes;
  const [{ id }] = await trx('appointments')
    .insert({
      company_id: companyId,
      location_id: locationId,
      kind: 'service',
      starts_at: startsAt,
      ends_at: endsAt ?? new Date(startsAt.getTime() + minutes * 60_000),
      customer_id: customer?.id ?? null,
      ...(row.customer ? contactOf(row.customer, customer) : {}),
      vehicle_id: vehicle?.id ?? null,
      vehicle_owner_warning: vehicle?.outcome === 'other_owner',
      work_description: (row.work_description ?? '').trim(),
      notes: (row.notes ?? '').trim(),
      external_source: source,
      external_id: externalId,
    })
    .returning('id');
  await recordBoardChange(trx, id, 'imported');
  return { outcome: 'added', appointmentId: id, checkin: 'start' };
}

async function updateAppointment(trx: Knex.Transaction, companyId: number, current: Record<string, any>, row: ImportedAppointment, wanted: Wanted): Promise<ImportOutcome> {
  const appointmentId: number = current.id;
  if (current.status !== 'planned') return { outcome: 'unchanged', appointmentId, reason: current.status === 'done' ? 'done' : 'cancelled' };

  if (row.cancelled) {
    // The card left New (the vehicle is in, or further): what happens to it is the staff's call.
    if (columnOfStep(current.job_step as JobStep | null) !== 'new' || (current.kind === 'repair' && current.job_id !== null)) {
      throw new RowRefused('cancelRefused', `appointment ${appointmentId} has a job at step ${current.job_step}`);
    }
    await trx('appointments').where({ id: appointmentId }).update({ status: 'cancelled', updated_at: trx.fn.now() });
    await recordBoardChange(trx, appointmentId, 'imported');
    return { outcome: 'updated', appointmentId, checkin: 'cancelled' };
  }

  const changes: Record<string, unknown> = {};
  const set = (column: string, value: unknown) => {
    const before = current[column];
    const same = before instanceof Date && value instanceof Date ? before.getTime() === value.getTime() : before === value;
    if (!same) changes[column] = value;
  };

  // A job's repair appointment is its D4 workflow's date: the planner does not move it behind the workflow's back.
  const timeFollowsJob = current.kind === 'repair' && current.job_id !== null;
  if (!timeFollowsJob) {
    const length =
      wanted.endsAt !== undefined
        ? wanted.endsAt.getTime() - wanted.startsAt.getTime()
        : row.duration_minutes !== undefined
          ? row.duration_minutes * 60_000
          : current.ends_at.getTime() - current.starts_at.getTime();
    set('starts_at', wanted.startsAt);
    set('ends_at', new Date(wanted.startsAt.getTime() + length));
    set('location_id', wanted.locationId);
  }
  if (row.work_description !== undefined) set('work_description', row.work_description.trim());
  if (row.notes !== undefined) set('notes', row.notes.trim());

  if (row.customer) {
    // The customer is looked up again only when who the planner names changed (or there was none):
    // staff's corrections of the master are not undone by the next push.
    const c = row.customer;
    const named = (field: 'email' | 'phone') => (c[field] ?? '').trim() !== '' && c[field]!.trim() !== String(current[field] ?? '');
    const customer =
      hasCustomer(c) && (current.customer_id === null || named('email') || named('phone') || (c.customer_number ?? '').trim() !== '')
        ? await matchCustomer(trx, companyId, c)
        : current.customer_id !== null
          ? await trx('customers').where({ id: current.customer_id }).first('id', 'first_name', 'last_name', 'email', 'phone', 'language')
          : undefined;
    if (customer) set('customer_id', customer.id);
    for (const [column, value] of Object.entries(contactOf(c, customer, current))) set(column, value);
  }

  if (hasVehicle(row.vehicle)) {
    const v = row.vehicle!;
    const sameVehicle =
      current.vehicle_id !== null &&
      (v.vin ? normalizeVin(v.vin) === normalizeVin(current.vehicle_vin) : normalizePlate(v.plate ?? '') === current.vehicle_plate);
    if (!sameVehicle) {
      const customerId = (changes.customer_id as number | undefined) ?? current.customer_id;
      const vehicle = await matchOrCreateVehicle(trx, companyId, customerId, vehicleFields(v));
      set('vehicle_id', vehicle.id);
      set('vehicle_owner_warning', vehicle.outcome === 'other_owner');
    }
  }

  // Unchanged and still to come: its check-in is made sure of, so a start lost after an earlier commit is healed by the next push.
  if (Object.keys(changes).length === 0) return { outcome: 'unchanged', appointmentId, ...(current.starts_at > new Date() ? { checkin: 'start' as const } : {}) };
  const moved = 'starts_at' in changes || 'ends_at' in changes;
  await trx('appointments')
    .where({ id: appointmentId })
    .update({ ...changes, ...(moved ? { sequence: trx.raw('sequence + 1') } : {}), updated_at: trx.fn.now() });
  await recordBoardChange(trx, appointmentId, 'imported');
  return { outcome: 'updated', appointmentId, ...(moved ? { checkin: 'rescheduled' as const } : {}) };
}
