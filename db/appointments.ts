import type { Knex } from 'knex';
import { normalizePhone } from '../lib/phones';
import { recordBoardChange } from './boardEvents';
import { fillBlankCustomerFields, matchOrCreateCustomer, phoneColumns, updateCustomerContact } from './customers';
import { matchOrCreateVehicle, matchVehicle, normalizeVin } from './vehicles';
import type { ContactFields } from './customers';

export type { ContactFields };


/** A lead as the appointment dialog needs it (M2, M7, M8). */
export interface LeadForAppointment extends ContactFields {
  id: number;
  company_id: number;
  location_id: number;
  status: string;
  language: string;
  desired_date: string;
  time_window: 'morning' | 'afternoon' | 'any';
  services: string[];
  remarks: string;
  customer_number: string | null;
  plate: string;
  vin: string;
  make: string;
  model: string;
  appointment_id: number | null;
}

export async function findLeadForAppointment(db: Knex, companyId: number, leadId: number): Promise<LeadForAppointment | undefined> {
  return db('leads')
    .where({ id: leadId, company_id: companyId })
    .first<LeadForAppointment>(db.raw(`leads.*, to_char(desired_date, 'YYYY-MM-DD') as desired_date`));
}

export interface MasterCustomer extends ContactFields {
  id: number;
  customer_number: string | null;
  language: string;
}

const customerColumns = ['id', 'customer_number', 'first_name', 'last_name', 'email', 'phone', 'street', 'postal_code', 'city', 'language'];

export async function findCustomerByNumber(db: Knex, companyId: number, customerNumber: string): Promise<MasterCustomer | undefined> {
  return db('customers')
    .where({ company_id: companyId, customer_number: customerNumber.trim(), is_cash_sale: false })
    .first<MasterCustomer>(customerColumns);
}

export async function findCustomer(db: Knex, companyId: number, customerId: number): Promise<MasterCustomer | undefined> {
  return db('customers').where({ company_id: companyId, id: customerId, is_cash_sale: false }).first<MasterCustomer>(customerColumns);
}

export type MatchReason = 'email' | 'phone' | 'name' | 'address';
export interface Candidate extends MasterCustomer {
  score: number;
  reasons: MatchReason[];
}

/**
 * M7 duplicate search against the customer master: the same e-mail, the
 * same phone number in any notation (E.164, lib/phones.ts, so +32 470… and 0470… meet), a
 * similar name (trigram similarity, so "Jansen"/"Janssens" meet) or the
 * same postal code with a similar street. Best matches first. Also the
 * candidates of the M7 merge on a customer's page (web/customers).
 */
export async function duplicateCandidates(
  db: Knex,
  companyId: number,
  lead: Pick<ContactFields, 'first_name' | 'last_name' | 'email' | 'phone' | 'street' | 'postal_code'>,
  limit = 5,
): Promise<Candidate[]> {
  const phone = normalizePhone(lead.phone);
  const name = `${lead.first_name} ${lead.last_name}`.trim().toLowerCase();
  const { rows } = await db.raw<{ rows: (MasterCustomer & { email_hit: boolean; phone_hit: boolean; name_sim: number; address_hit: boolean })[] }>(
    `select ${customerColumns.map((c) => `c.${c}`).join(', ')},
            (:email <> '' and lower(c.email) = lower(:email)) as email_hit,
            (:phone <> '' and c.phone_normalized = :phone) as phone_hit,
            similarity(lower(c.first_name || ' ' || c.last_name), :name) as name_sim,
            (:postal <> '' and c.postal_code = :postal and similarity(lower(c.street), lower(:street)) > 0.5) as address_hit
       from customers c
      where c.company_id = :company and not c.is_cash_sale
        and ((:email <> '' and lower(c.email) = lower(:email))
          or (:phone <> '' and c.phone_normalized = :phone)
          or lower(c.first_name || ' ' || c.last_name) % :name
          or (:postal <> '' and c.postal_code = :postal and similarity(lower(c.street), lower(:street)) > 0.5))
      limit 50`,
    { company: companyId, email: lead.email.trim(), phone, name, postal: lead.postal_code.trim(), street: lead.street.trim() },
  );
  return rows
    .map(({ email_hit, phone_hit, name_sim, address_hit, ...customer }) => {
      const reasons: MatchReason[] = [];
      if (email_hit) reasons.push('email');
      if (phone_hit) reasons.push('phone');
      if (name_sim >= 0.3) reasons.push('name');
      if (address_hit) reasons.push('address');
      const score = (email_hit ? 3 : 0) + (phone_hit ? 2 : 0) + name_sim * 2 + (address_hit ? 1 : 0);
      return { ...customer, score, reasons };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/** The four ways of settling the customer of a lead without a customer number (M7). */
export type CustomerChoice =
  | { kind: 'existing'; customerId: number } // the lead carried a known customer number
  | { kind: 'lead_data'; customerId: number } // master customer, the lead's contact data (missing values from the master)
  | { kind: 'master_data'; customerId: number } // master customer and its data, unchanged
  | { kind: 'new_customer' } // a new master customer from the lead's data
  | { kind: 'cash_sale' }; // the company's cash-sale customer, the lead's contact data

export interface AppointmentInput {
  startsAt: Date;
  endsAt: Date;
  notes: string;
  staffId: number;
}

export type VehicleOutcome = 'own' | 'other_owner' | 'walk_in';

export interface CreatedAppointment {
  id: number;
  vehicle: VehicleOutcome;
}

export class LeadAlreadyDecidedError extends Error {}

async function cashSaleCustomer(trx: Knex.Transaction, companyId: number): Promise<number> {
  const existing = await trx('customers').where({ company_id: companyId, is_cash_sale: true }).first('id');
  if (existing) return existing.id;
  const [created] = await trx('customers')
    .insert({ company_id: companyId, is_cash_sale: true, first_name: 'Cash sale', last_name: '', customer_number: 'CASH' })
    .onConflict(trx.raw('(company_id) where is_cash_sale'))
    .ignore()
    .returning('id');
  return created?.id ?? (await trx('customers').where({ company_id: companyId, is_cash_sale: true }).first('id')).id;
}

async function nextCustomerNumber(trx: Knex.Transaction, companyId: number): Promise<string> {
  // Numbers are per company; the lock keeps two new customers from taking the same one.
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`customer-number-${companyId}`]);
  const row = await trx('customers')
    .where({ company_id: companyId })
    .whereRaw(`customer_number ~ '^[0-9]+$'`)
    .max<{ max: string | null }>({ max: trx.raw('customer_number::bigint') })
    .first();
  return String(Math.max(10000, Number(row?.max ?? 0)) + 1);
}

/**
 * M2 "Create appointment": settles the customer (M7) and the vehicle (M8)
 * and writes the appointment, in one transaction. The lead row is locked
 * and must still be New, so two staff members creating an appointment from
 * the same lead at once end with one appointment.
 */
export async function createAppointmentFromLead(
  db: Knex,
  leadId: number,
  choice: CustomerChoice,
  input: AppointmentInput,
): Promise<CreatedAppointment> {
  return db.transaction(async (trx) => {
    const lead = await trx('leads').where({ id: leadId }).forUpdate().first();
    if (!lead || lead.status !== 'new' || lead.appointment_id !== null) throw new LeadAlreadyDecidedError(`lead ${leadId} is ${lead?.status}`);
    const companyId: number = lead.company_id;
    const fromLead = {
      first_name: lead.first_name,
      last_name: lead.last_name,
      email: lead.email,
      phone: lead.phone,
      language: lead.language,
    };

    let customerId: number;
    let contact: typeof fromLead;
    if (choice.kind === 'new_customer') {
      [{ id: customerId }] = await trx('customers')
        .insert({
          ...fromLead,
          ...phoneColumns(lead.phone),
          company_id: companyId,
          customer_number: await nextCustomerNumber(trx, companyId),
          street: lead.street,
          postal_code: lead.postal_code,
          city: lead.city,
          gdpr_consent_at: lead.gdpr_consent_at,
        })
        .returning('id');
      contact = fromLead;
    } else if (choice.kind === 'cash_sale') {
      customerId = await cashSaleCustomer(trx, companyId);
      contact = fromLead;
    } else {
      const chosen = await trx('customers').where({ id: choice.customerId, company_id: companyId, is_cash_sale: false }).first('id');
      if (!chosen) throw new Error(`customer ${choice.customerId} is not in company ${companyId}`);
      // Staff matched the lead to this customer: its blanks are filled from the lead, nothing it has is overwritten (db/customers.ts).
      await fillBlankCustomerFields(trx, chosen.id, lead);
      const master = await trx('customers').where({ id: chosen.id }).first();
      customerId = master.id;
      const fromMaster = { first_name: master.first_name, last_name: master.last_name, email: master.email, phone: master.phone, language: master.language };
      // On the appointment lead data win, the master fills what the lead left empty; the master's own values stay.
      contact =
        choice.kind === 'master_data'
          ? fromMaster
          : (Object.fromEntries(Object.entries(fromLead).map(([key, value]) => [key, value || fromMaster[key as keyof typeof fromMaster]])) as typeof fromLead);
    }

    // M8: the VIN (else the plate) against the vehicle master of this company (db/vehicles.ts); unknown: a walk-in vehicle.
    const vin = normalizeVin(lead.vin);
    const known = await matchVehicle(trx, companyId, customerId, { plate: lead.plate, vin, make: lead.make, model: lead.model });
    const vehicle: VehicleOutcome = known?.outcome === 'other_owner' ? 'other_owner' : known ? 'own' : 'walk_in';

    const [{ id }] = await trx('appointments')
      .insert({
        company_id: companyId,
        location_id: lead.location_id,
        starts_at: input.startsAt,
        ends_at: input.endsAt,
        customer_id: customerId,
        ...contact,
        vehicle_id: known?.id ?? null,
        walk_in_plate: known ? '' : lead.plate,
        walk_in_vin: known ? '' : vin,
        walk_in_make: known ? '' : lead.make,
        walk_in_model: known ? '' : lead.model,
        vehicle_owner_warning: vehicle === 'other_owner',
        services: lead.services,
        notes: [lead.remarks, input.notes].filter(Boolean).join('\n\n'),
        lead_id: lead.id,
        created_by: input.staffId,
      })
      .returning('id');
    await trx('leads').where({ id: lead.id }).update({ appointment_id: id, updated_at: trx.fn.now() });
    return { id, vehicle };
  });
}

export interface AppointmentRow {
  id: number;
  company_id: number;
  location_id: number;
  location_name: string;
  time_zone: string;
  status: 'planned' | 'cancelled' | 'done';
  kind: AppointmentKind;
  starts_at: Date;
  ends_at: Date;
  /** the job the visit is for, where there is one */
  job_id: number | null;
  job_number: string | null;
  customer_id: number | null;
  customer_number: string | null;
  is_cash_sale: boolean | null;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  language: string;
  vehicle_id: number | null;
  plate: string;
  vin: string;
  make: string;
  model: string;
  walk_in: boolean;
  vehicle_owner_warning: boolean;
  services: string[];
  notes: string;
  lead_id: number | null;
  /** the customer finished the online check-in (C8: their name is highlighted) */
  checkin_completed_at: Date | null;
  /** check-in items staff have not handled yet (C5: icon and pinned while > 0) */
  open_checkin_items: number;
}

/** C5: the appointment has check-in items nobody handled yet. */
const hasOpenCheckinItems = `exists (select 1 from checkin_items ci where ci.appointment_id = a.id and ci.handled_at is null)`;

function appointmentQuery(db: Knex, companyId: number) {
  return db('appointments as a')
    .join('locations as l', 'l.id', 'a.location_id')
    .leftJoin('customers as c', 'c.id', 'a.customer_id')
    .leftJoin('vehicles as v', 'v.id', 'a.vehicle_id')
    .leftJoin('jobs as j', 'j.id', 'a.job_id')
    .where('a.company_id', companyId)
    .select(
      'a.id', 'a.company_id', 'a.location_id', 'l.name as location_name', 'l.time_zone', 'a.status', 'a.kind', 'a.starts_at', 'a.ends_at',
      'a.job_id', 'j.job_number',
      'a.customer_id', 'c.customer_number', 'c.is_cash_sale', 'a.first_name', 'a.last_name', 'a.email', 'a.phone', 'a.language',
      'a.vehicle_id', 'a.vehicle_owner_warning', 'a.services', 'a.notes', 'a.lead_id', 'a.checkin_completed_at',
      db.raw(`(select count(*)::int from checkin_items ci where ci.appointment_id = a.id and ci.handled_at is null) as open_checkin_items`),
      ...appointmentVehicleColumns(db),
      db.raw(`a.vehicle_id is null as walk_in`),
    );
}

/**
 * An appointment's vehicle as every screen shows it (`a` the appointment,
 * `v` its master vehicle, left-joined): the master's, or the walk-in vehicle
 * described on the appointment (M8).
 */
export const appointmentVehicleColumns = (db: Knex) => [
  db.raw(`coalesce(v.plate, a.walk_in_plate) as plate`),
  db.raw(`coalesce(nullif(v.vin, ''), a.walk_in_vin) as vin`),
  db.raw(`coalesce(v.make, a.walk_in_make) as make`),
  db.raw(`coalesce(v.model, a.walk_in_model) as model`),
];

export async function findAppointment(db: Knex, companyId: number, id: number): Promise<AppointmentRow | undefined> {
  return appointmentQuery(db, companyId).where('a.id', id).first();
}

/**
 * The appointment overview: planned appointments in a range, earliest
 * first. Those with check-in items to handle are left out: they are pinned
 * above the range (C5) until handled, then show on their date again (C8).
 */
export async function listAppointments(db: Knex, companyId: number, from: Date, to: Date): Promise<AppointmentRow[]> {
  return appointmentQuery(db, companyId)
    .where('a.status', 'planned')
    .where('a.starts_at', '>=', from)
    .where('a.starts_at', '<', to)
    .whereRaw(`not ${hasOpenCheckinItems}`)
    .orderBy('a.starts_at');
}

/** C5: planned appointments with check-in items to handle, whatever their date, earliest first. */
export async function listPinnedAppointments(db: Knex, companyId: number): Promise<AppointmentRow[]> {
  return appointmentQuery(db, companyId).where('a.status', 'planned').whereRaw(hasOpenCheckinItems).orderBy('a.starts_at');
}

/** Moves a planned appointment; answers false when there is none to move. */
export async function rescheduleAppointment(db: Knex, companyId: number, id: number, startsAt: Date, endsAt: Date): Promise<boolean> {
  return db.transaction(async (trx) => {
    const updated = await trx('appointments')
      .where({ id, company_id: companyId, status: 'planned' })
      .update({ starts_at: startsAt, ends_at: endsAt, sequence: trx.raw('sequence + 1'), updated_at: trx.fn.now() });
    // The card changes day on every open board (W3).
    if (updated > 0) await recordBoardChange(trx, id, 'changed');
    return updated > 0;
  });
}

/** Deletes (cancels) an appointment; answers its lead, whose workflow must hear of it (M3). */
export async function cancelAppointment(db: Knex, companyId: number, id: number): Promise<{ leadId: number | null } | undefined> {
  return db.transaction(async (trx) => {
    const [row] = await trx('appointments')
      .where({ id, company_id: companyId, status: 'planned' })
      .update({ status: 'cancelled', updated_at: trx.fn.now() })
      .returning('lead_id');
    // The card leaves every open board (W3).
    if (row) await recordBoardChange(trx, id, 'changed');
    return row ? { leadId: row.lead_id } : undefined;
  });
}

/** Takes back an appointment its lead's workflow refused (the lead was decided meanwhile). */
export async function withdrawAppointment(db: Knex, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('leads').where({ appointment_id: id }).update({ appointment_id: null, updated_at: trx.fn.now() });
    await trx('appointments').where({ id }).delete();
  });
}

/**
 * M8: a walk-in vehicle joins the master, owned by the appointment's
 * customer — or, when the master knows it meanwhile, the appointment uses
 * that vehicle (with the warning when it is someone else's).
 */
export async function addWalkInVehicleToMaster(db: Knex, companyId: number, id: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    const appointment = await trx('appointments').where({ id, company_id: companyId }).forUpdate().first();
    if (!appointment || appointment.vehicle_id !== null || !appointment.customer_id || !appointment.walk_in_plate) return false;
    const vehicle = await matchOrCreateVehicle(trx, companyId, appointment.customer_id, {
      plate: appointment.walk_in_plate,
      vin: appointment.walk_in_vin,
      make: appointment.walk_in_make,
      model: appointment.walk_in_model,
    });
    await trx('appointments').where({ id }).update({
      vehicle_id: vehicle.id,
      vehicle_owner_warning: vehicle.outcome === 'other_owner',
      walk_in_plate: '', walk_in_vin: '', walk_in_make: '', walk_in_model: '', updated_at: trx.fn.now(),
    });
    return true;
  });
}

/**
 * M7 "take into master data": the appointment's contact data overwrite its
 * (non cash-sale) customer's: an overwrite of the master that staff chose (db/customers.ts).
 */
export async function copyContactToMaster(db: Knex, companyId: number, id: number): Promise<boolean> {
  const appointment = await db('appointments').where({ id, company_id: companyId }).first();
  if (!appointment?.customer_id) return false;
  return updateCustomerContact(db, companyId, appointment.customer_id, {
    first_name: appointment.first_name,
    last_name: appointment.last_name,
    email: appointment.email,
    phone: appointment.phone,
  });
}

/** What a visit is for (the one appointment model): an estimate slot, a job's repair appointment (D4), a service appointment. */
export type AppointmentKind = 'estimate' | 'repair' | 'service';

/**
 * The job's D4 appointment as a column of a query on `jobs`: the start of its
 * visit that is not cancelled — its repair appointment (there is at most
 * one), or the service appointment the job was opened from on the board (W3).
 */
export const jobAppointmentColumn = (db: Knex, as = 'appointment_at') =>
  db.raw(`(select a.starts_at from appointments a where a.job_id = jobs.id and a.kind in ('repair', 'service') and a.status <> 'cancelled' order by a.kind = 'repair' desc, a.id limit 1) as ??`, [as]);

/** The job's estimate slot, as a column of a query on `jobs`. */
export const jobEstimateColumn = (db: Knex, as = 'estimate_at') =>
  db.raw(
    `(select a.starts_at from appointments a where a.job_id = jobs.id and a.kind = 'estimate' and a.status <> 'cancelled' order by a.starts_at desc limit 1) as ??`,
    [as],
  );

/** A new appointment for a job's customer and vehicle, with their contact data (estimate, repair). */
export async function insertJobAppointment(
  trx: Knex.Transaction,
  jobId: number,
  visit: { kind: Exclude<AppointmentKind, 'service'>; startsAt: Date; endsAt?: Date; bookingId?: string | null; status?: 'planned' | 'done' },
): Promise<number> {
  const job = await trx('jobs')
    .join('customers as c', 'c.id', 'jobs.customer_id')
    .join('locations as l', 'l.id', 'jobs.location_id')
    .where('jobs.id', jobId)
    .first('jobs.company_id', 'jobs.location_id', 'jobs.customer_id', 'jobs.vehicle_id', 'c.first_name', 'c.last_name', 'c.email', 'c.phone', 'c.language', 'l.slot_minutes');
  if (!job) throw new Error(`job ${jobId} does not exist`);
  const [{ id }] = await trx('appointments')
    .insert({
      company_id: job.company_id,
      location_id: job.location_id,
      kind: visit.kind,
      status: visit.status ?? 'planned',
      starts_at: visit.startsAt,
      ends_at: visit.endsAt ?? new Date(visit.startsAt.getTime() + job.slot_minutes * 60_000),
      customer_id: job.customer_id,
      vehicle_id: job.vehicle_id,
      first_name: job.first_name,
      last_name: job.last_name,
      email: job.email,
      phone: job.phone,
      language: job.language,
      job_id: jobId,
      booking_id: visit.bookingId ?? null,
    })
    .returning('id');
  return id;
}

/** How the job's repair appointment changed with a D4 state; check-in (D2) follows it. */
export type JobAppointmentChange = { appointmentId: number; change: 'created' | 'moved' | 'cancelled' };

/**
 * Brings the job's repair (or board service) appointment in line with the date its D4 workflow
 * holds (the workflow is the authority, the row its read model): created on
 * the first date, moved with the date (keeping its length), cancelled when
 * the date is withdrawn. Idempotent: the same date changes nothing.
 */
export async function syncJobAppointment(trx: Knex.Transaction, jobId: number, appointment: string | null): Promise<JobAppointmentChange | undefined> {
  // A job opened from a service appointment on the board (W3) has that visit as its D4 appointment: no second one.
  const current = await trx('appointments')
    .where({ job_id: jobId })
    .whereIn('kind', ['repair', 'service'])
    .whereNot('status', 'cancelled')
    .orderByRaw(`kind = 'repair' desc, id`)
    .forUpdate()
    .first('id', 'starts_at', 'ends_at', 'status');
  if (appointment === null) {
    if (!current) return undefined;
    await trx('appointments').where({ id: current.id }).update({ status: 'cancelled', updated_at: trx.fn.now() });
    return { appointmentId: current.id, change: 'cancelled' };
  }
  const startsAt = new Date(appointment);
  if (!current) return { appointmentId: await insertJobAppointment(trx, jobId, { kind: 'repair', startsAt }), change: 'created' };
  if (current.starts_at.getTime() === startsAt.getTime()) return undefined;
  const length = current.ends_at.getTime() - current.starts_at.getTime();
  await trx('appointments')
    .where({ id: current.id })
    .update({ starts_at: startsAt, ends_at: new Date(startsAt.getTime() + length), status: 'planned', sequence: trx.raw('sequence + 1'), updated_at: trx.fn.now() });
  return { appointmentId: current.id, change: 'moved' };
}

/**
 * Places taken per estimate slot start (ms) of a location in [from, to): bookings
 * still held (their e-mail link is open) plus planned estimate appointments.
 * A confirmed booking counts through the appointment it became; a cancelled
 * or moved appointment frees its place at once.
 */
export async function estimateSlotUsage(db: Knex, locationId: number, from: Date, to: Date, exceptAppointmentId?: number): Promise<Map<number, number>> {
  const { rows } = await db.raw<{ rows: { start: Date; count: number }[] }>(
    `select start, count(*)::int as count from (
       select b.slot_start as start from bookings b
        where b.kind = 'estimate' and b.status = 'held' and b.location_id = :location and b.slot_start >= :from and b.slot_start < :to
       union all
       select a.starts_at from appointments a
        where a.kind = 'estimate' and a.status = 'planned' and a.location_id = :location and a.starts_at >= :from and a.starts_at < :to
          and a.id <> :except
     ) taken group by start`,
    { location: locationId, from, to, except: exceptAppointmentId ?? 0 },
  );
  return new Map(rows.map((row) => [row.start.getTime(), row.count]));
}

/**
 * P2, B1: the estimate slot starting at `start` has a free place. The
 * location row is locked first, so concurrent holds and moves of one
 * location queue up (a row that always exists, even when the slot has nothing yet).
 * FOR NO KEY UPDATE: it queues holds and moves behind each other as FOR
 * UPDATE would, but not the inserts that merely reference the location
 * (a new booking, appointment or job takes FOR KEY SHARE on it for its
 * foreign key, which FOR UPDATE blocks).
 */
export async function estimateSlotHasRoom(trx: Knex.Transaction, locationId: number, start: Date, exceptAppointmentId?: number): Promise<boolean> {
  const location = await trx('locations').where({ id: locationId }).forNoKeyUpdate().first('slot_capacity');
  const taken = await estimateSlotUsage(trx, locationId, start, new Date(start.getTime() + 1), exceptAppointmentId);
  return (taken.get(start.getTime()) ?? 0) < location.slot_capacity;
}

/** The job's planned repair appointment, if it has one. */
export async function plannedJobAppointment(db: Knex, jobId: number): Promise<{ id: number } | undefined> {
  return db('appointments').where({ job_id: jobId, status: 'planned' }).whereIn('kind', ['repair', 'service']).orderByRaw(`kind = 'repair' desc, id`).first('id');
}

/** P4: the repair appointment the job's workflow wrote for a confirmed booking remembers that booking. */
export async function linkRepairBooking(db: Knex, jobId: number, bookingId: string, startsAt: Date): Promise<void> {
  await db('appointments').where({ job_id: jobId, kind: 'repair', status: 'planned', starts_at: startsAt }).whereNull('booking_id').update({ booking_id: bookingId });
}

/** An appointment staff type in (only its time is required, W2); who and which vehicle where known. */
export interface StaffAppointmentInput {
  locationId: number;
  startsAt: Date;
  endsAt: Date;
  notes: string;
  staffId: number;
  customer: { first_name: string; last_name: string; email: string; phone: string; language: string };
  vehicle: { plate: string; vin: string; make: string; model: string };
}

/**
 * A service appointment typed by staff: the customer and vehicle go through
 * THE match-or-create of the one customer file and vehicle master (when
 * anything of them was typed), then the appointment, in one transaction.
 */
export async function createStaffAppointment(db: Knex, companyId: number, input: StaffAppointmentInput): Promise<CreatedAppointment> {
  return db.transaction(async (trx) => {
    const location = await trx('locations').where({ id: input.locationId, company_id: companyId }).first('id');
    if (!location) throw new Error(`location ${input.locationId} is not one of company ${companyId}`);
    const c = input.customer;
    const customer = c.first_name || c.last_name || c.email || c.phone ? await matchOrCreateCustomer(trx, companyId, c) : undefined;
    const v = input.vehicle;
    const vehicle = v.plate || v.vin ? await matchOrCreateVehicle(trx, companyId, customer?.id ?? null, v) : undefined;
    const [{ id }] = await trx('appointments')
      .insert({
        company_id: companyId,
        location_id: input.locationId,
        kind: 'service',
        starts_at: input.startsAt,
        ends_at: input.endsAt,
        customer_id: customer?.id ?? null,
        ...c,
        vehicle_id: vehicle?.id ?? null,
        vehicle_owner_warning: vehicle?.outcome === 'other_owner',
        notes: input.notes,
        created_by: input.staffId,
      })
      .returning('id');
    // W2: the new card appears on every open board.
    await recordBoardChange(trx, id, 'changed', { staffId: input.staffId });
    return { id, vehicle: vehicle ? (vehicle.outcome === 'other_owner' ? 'other_owner' : 'own') : 'walk_in' };
  });
}
