import type { Knex } from 'knex';
import type { RepairRules } from '../lib/slots';
import { localDay } from '../lib/time';
import type { Location } from './locations';

/** The columns a location adds for repair appointments (P4). */
export interface RepairLocation extends Location {
  repair_weekdays: number[];
  repair_dropoff_time: string;
}

export function repairRules(location: RepairLocation): RepairRules {
  return {
    timeZone: location.time_zone,
    weekdays: location.repair_weekdays,
    dropoffTime: location.repair_dropoff_time,
    horizonDays: location.booking_horizon_days,
    leadMinutes: location.booking_lead_minutes,
  };
}

export interface FlowType {
  id: number;
  name: string;
  daily_capacity: number;
  is_default: boolean;
}

/** The job's damage flow type, or the company's default ("Classic repair") when the job has none. */
export async function effectiveFlowType(db: Knex, jobId: number): Promise<FlowType> {
  const row = await db('jobs')
    .join('damage_flow_types as d', function () {
      this.on('d.company_id', '=', 'jobs.company_id').andOn(
        db.raw('d.id = coalesce(jobs.damage_flow_type_id, (select id from damage_flow_types x where x.company_id = jobs.company_id and x.is_default))'),
      );
    })
    .where('jobs.id', jobId)
    .first<FlowType>('d.id', 'd.name', 'd.daily_capacity', 'd.is_default');
  if (!row) throw new Error(`job ${jobId} has no damage flow type and its company no default`);
  return row;
}

export interface DayUsageQuery {
  locationId: number;
  flowTypeId: number;
  timeZone: string;
  from: Date;
  to: Date;
  /** the job being booked: its own current appointment moves, so it does not count */
  jobId: number;
}

/**
 * Appointments per local day ("YYYY-MM-DD") of one damage flow type at one
 * location: planned repair appointments that day (jobs of that flow type),
 * plus repair bookings still held (not yet confirmed by their e-mail link). A
 * booking being confirmed gets its appointment before it stops being held, so
 * for a moment it counts twice, never zero times.
 */
export async function repairDayUsage(db: Knex, q: DayUsageQuery): Promise<Map<string, number>> {
  const { rows } = await db.raw<{ rows: { day: string; count: number }[] }>(
    `select day, count(*)::int as count from (
       select to_char(b.slot_start at time zone :zone, 'YYYY-MM-DD') as day
         from bookings b
        where b.kind = 'repair' and b.status = 'held' and b.location_id = :location and b.damage_flow_type_id = :flow
          and b.slot_start >= :from and b.slot_start < :to
       union all
       select to_char(a.starts_at at time zone :zone, 'YYYY-MM-DD')
         from appointments a
         join jobs j on j.id = a.job_id
        where a.kind = 'repair' and a.status = 'planned' and a.location_id = :location and j.id <> :job
          and coalesce(j.damage_flow_type_id, (select id from damage_flow_types d where d.company_id = j.company_id and d.is_default)) = :flow
          and a.starts_at >= :from and a.starts_at < :to
     ) appointments group by day`,
    { zone: q.timeZone, location: q.locationId, flow: q.flowTypeId, from: q.from, to: q.to, job: q.jobId },
  );
  return new Map(rows.map((row) => [row.day, row.count]));
}

/** Around an instant, a range wide enough to hold its whole local day in any time zone (day usage is counted in it). */
export const dayMargin = 36 * 3_600_000;

/**
 * The hold of a repair booking (P4), inside holdSlot's transaction: the flow
 * type row is locked so concurrent holds for it queue up, then the day's
 * appointments are counted against its daily capacity. FOR NO KEY UPDATE,
 * as the estimate hold's location (estimateSlotHasRoom): jobs that only
 * reference the flow type are not held up.
 */
/** What a repair hold needs of its booking (a db/bookings.ts Booking has it). */
export interface RepairHold {
  location_id: number;
  job_id: number | null;
  slot_start: Date;
  damage_flow_type_id: number | null;
}

export async function holdRepairDay(trx: Knex.Transaction, booking: RepairHold): Promise<boolean> {
  const flow = await trx('damage_flow_types').where({ id: booking.damage_flow_type_id }).forNoKeyUpdate().first<FlowType>();
  const location = await trx('locations').where({ id: booking.location_id }).first<Location>();
  if (!flow || !location || booking.job_id === null) return false;
  const usage = await repairDayUsage(trx, {
    locationId: location.id,
    flowTypeId: flow.id,
    timeZone: location.time_zone,
    from: new Date(booking.slot_start.getTime() - dayMargin),
    to: new Date(booking.slot_start.getTime() + dayMargin),
    jobId: booking.job_id,
  });
  return (usage.get(localDay(booking.slot_start, location.time_zone)) ?? 0) < flow.daily_capacity;
}

export interface NewRepairBooking {
  id: string;
  jobId: number;
  locationId: number;
  flowTypeId: number;
  slotStart: Date;
  language: string;
}

/** A pending repair booking; name, e-mail and plate come from the job, which already holds them. */
export async function insertRepairBooking(db: Knex, booking: NewRepairBooking): Promise<{ email: string } | undefined> {
  const job = await db('jobs')
    .join('customers', 'customers.id', 'jobs.customer_id')
    .join('vehicles', 'vehicles.id', 'jobs.vehicle_id')
    .where('jobs.id', booking.jobId)
    .first('customers.first_name', 'customers.last_name', 'customers.email', 'customers.phone', 'vehicles.plate', 'vehicles.make', 'vehicles.model');
  if (!job?.email) return undefined;
  await db('bookings').insert({
    id: booking.id,
    kind: 'repair',
    status: 'pending',
    location_id: booking.locationId,
    job_id: booking.jobId,
    damage_flow_type_id: booking.flowTypeId,
    slot_start: booking.slotStart,
    slot_end: new Date(booking.slotStart.getTime() + 60_000),
    language: booking.language,
    first_name: job.first_name,
    last_name: job.last_name,
    email: job.email,
    phone: job.phone,
    plate: job.plate,
    make: job.make,
    model: job.model,
  });
  return { email: job.email };
}

export async function markRepairBookingConfirmed(db: Knex, bookingId: string): Promise<void> {
  await db('bookings').where({ id: bookingId, kind: 'repair', status: 'held' }).update({ status: 'confirmed', confirmed_at: db.fn.now() });
}
