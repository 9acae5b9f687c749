import type { Knex } from 'knex';
import { estimateSlotHasRoom, insertJobAppointment } from './appointments';
import { matchOrCreateCustomer } from './customers';
import { holdRepairDay } from './repairBookings';
import { matchOrCreateVehicle } from './vehicles';

export type BookingStatus = 'pending' | 'held' | 'confirmed' | 'expired' | 'slot_taken';

export interface Booking {
  id: string;
  kind: string;
  location_id: number;
  slot_start: Date;
  slot_end: Date;
  status: BookingStatus;
  language: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  gdpr_consent_at: Date | null;
  plate: string;
  make: string;
  model: string;
  token_hash: string | null;
  expires_at: Date | null;
  job_id: number | null;
  damage_flow_type_id: number | null;
  created_at: Date;
  confirmed_at: Date | null;
}

export type NewBooking = Pick<
  Booking,
  | 'id'
  | 'location_id'
  | 'slot_start'
  | 'slot_end'
  | 'language'
  | 'first_name'
  | 'last_name'
  | 'email'
  | 'phone'
  | 'gdpr_consent_at'
  | 'plate'
  | 'make'
  | 'model'
>;

/** Stores the customer's request before its workflow starts, so no personal data enters workflow history. */
export async function insertPendingBooking(db: Knex, booking: NewBooking, photoIds: string[]): Promise<void> {
  // One statement is atomic by itself: the transaction (two more round trips on every hold) is for the photos it links.
  if (photoIds.length === 0) {
    await db('bookings').insert({ ...booking, status: 'pending' });
    return;
  }
  await db.transaction(async (trx) => {
    await trx('bookings').insert({ ...booking, status: 'pending' });
    await trx('photos').whereIn('id', photoIds).whereNull('job_id').update({ booking_id: booking.id });
  });
}

export async function findBooking(db: Knex, id: string): Promise<Booking | undefined> {
  return db<Booking>('bookings').where({ id }).first();
}

export async function findBookingByTokenHash(db: Knex, tokenHash: string): Promise<Booking | undefined> {
  return db<Booking>('bookings').where({ token_hash: tokenHash }).first();
}

/** The booking a hold names is not stored (it never was, or housekeeping removed it): retrying changes nothing. */
export class BookingMissing extends Error {
  constructor(bookingId: string) {
    super(`booking ${bookingId} does not exist`);
    this.name = 'BookingMissing';
  }
}

export type HoldResult = { held: true; expiresAt: string } | { held: false; reason: 'slot_taken' };

/**
 * Places the hold if the slot (estimate) or the day (repair, P4) still has
 * room. A row that always exists is locked first (the location, or the
 * damage flow type): it so concurrent holds on one location queue up
 * behind each other even when the slot has no bookings yet (a FOR UPDATE on
 * the bookings themselves would lock nothing in that case). Idempotent: a
 * retry finds the booking already held (or taken) and answers the same.
 */
export async function holdSlot(db: Knex, bookingId: string, expiresAt: Date): Promise<HoldResult> {
  return db.transaction(async (trx) => {
    const booking = await trx<Booking>('bookings').where({ id: bookingId }).forUpdate().first();
    if (!booking) throw new BookingMissing(bookingId);
    if (booking.status === 'slot_taken') return { held: false, reason: 'slot_taken' };
    if (booking.status !== 'pending') return { held: true, expiresAt: (booking.expires_at ?? expiresAt).toISOString() };

    if (!(booking.kind === 'repair' ? await holdRepairDay(trx, booking) : await estimateSlotHasRoom(trx, booking.location_id, booking.slot_start))) {
      await trx('bookings').where({ id: bookingId }).update({ status: 'slot_taken' });
      return { held: false, reason: 'slot_taken' };
    }
    await trx('bookings').where({ id: bookingId }).update({ status: 'held', expires_at: expiresAt });
    return { held: true, expiresAt: expiresAt.toISOString() };
  });
}

/** Frees the slot of a booking that was never confirmed. */
export async function releaseHold(db: Knex, bookingId: string): Promise<void> {
  await db('bookings').where({ id: bookingId, status: 'held' }).update({ status: 'expired' });
}

export async function setBookingToken(db: Knex, bookingId: string, tokenHash: string): Promise<void> {
  await db('bookings').where({ id: bookingId }).update({ token_hash: tokenHash });
}

export interface CreatedJob {
  jobId: number;
  jobNumber: string;
  /** the estimate appointment the slot became (null for a job confirmed before appointments were one model) */
  appointmentId: number | null;
}

/**
 * Turns a held booking into customer, vehicle and job in one transaction.
 * Idempotent: the booking row is locked and, once it has a job, that job is
 * returned, so a retried activity never makes a second job.
 */
export async function createJobFromBooking(db: Knex, bookingId: string): Promise<CreatedJob> {
  return db.transaction(async (trx) => {
    const booking = await trx<Booking>('bookings').where({ id: bookingId }).forUpdate().first();
    if (!booking) throw new Error(`booking ${bookingId} does not exist`);
    if (booking.job_id !== null) {
      const job = await trx('jobs').where({ id: booking.job_id }).first('id', 'job_number');
      const appointment = await trx('appointments').where({ booking_id: bookingId }).first('id');
      return { jobId: job.id, jobNumber: job.job_number, appointmentId: appointment?.id ?? null };
    }
    if (booking.status !== 'held') throw new Error(`booking ${bookingId} is ${booking.status}, not held`);

    const location = await trx('locations').where({ id: booking.location_id }).first('company_id');
    const companyId: number = location.company_id;

    // The one customer file and vehicle master (db/customers.ts, db/vehicles.ts): a known customer keeps what the shop has.
    const customer = await matchOrCreateCustomer(trx, companyId, {
      first_name: booking.first_name,
      last_name: booking.last_name,
      email: booking.email,
      phone: booking.phone,
      language: booking.language,
      gdpr_consent_at: booking.gdpr_consent_at,
    });
    const vehicle = await matchOrCreateVehicle(trx, companyId, customer.id, { plate: booking.plate, make: booking.make, model: booking.model });

    const {
      rows: [{ next }],
    } = await trx.raw(`select nextval('job_number_seq') as next`);
    const jobNumber = String(next);
    const [job] = await trx('jobs')
      .insert({
        company_id: companyId,
        location_id: booking.location_id,
        job_number: jobNumber,
        customer_id: customer.id,
        vehicle_id: vehicle.id,
        source: 'portal',
      })
      .returning('id');
    // The estimate slot is the job's first visit (one appointment model).
    const appointmentId = await insertJobAppointment(trx, job.id, { kind: 'estimate', startsAt: booking.slot_start, endsAt: booking.slot_end, bookingId });
    await trx('photos').where({ booking_id: bookingId }).update({ job_id: job.id });
    await trx('bookings')
      .where({ id: bookingId })
      .update({ status: 'confirmed', job_id: job.id, confirmed_at: trx.fn.now() });
    return { jobId: job.id, jobNumber, appointmentId };
  });
}

export async function confirmedJobNumber(db: Knex, bookingId: string): Promise<string | undefined> {
  const row = await db('bookings')
    .join('jobs', 'jobs.id', 'bookings.job_id')
    .where({ 'bookings.id': bookingId, 'bookings.status': 'confirmed' })
    .first('jobs.job_number');
  return row?.job_number;
}
