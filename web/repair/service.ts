import { randomUUID } from 'node:crypto';
import type { PortalJob } from '../../db/jobs';
import { findLocation } from '../../db/locations';
import {
  effectiveFlowType,
  insertRepairBooking,
  repairDayUsage,
  repairRules,
  type FlowType,
  type RepairLocation,
} from '../../db/repairBookings';
import { repairSlots } from '../../lib/slots';
import { localDay } from '../../lib/time';
import type { HoldOutcome } from '../../workflows/booking.contract';
import { startBooking, type BookingDeps } from '../booking/service';

export interface RepairDay {
  /** the appointment instant (drop-off), ISO */
  start: string;
  label: string;
  free: number;
}

export interface RepairOptions {
  location: RepairLocation;
  flow: FlowType;
  days: RepairDay[];
}

/** Why a repair appointment can no longer be booked, if it cannot: the vehicle is in, or already picked up. */
export function repairClosedReason(job: PortalJob): 'vehicleIn' | 'pickedUp' | undefined {
  if (job.step === 'picked_up') return 'pickedUp';
  return ['vehicle_in', 'work_started', 'finished'].includes(job.step) ? 'vehicleIn' : undefined;
}

/**
 * P4: the days on which the job's location takes repair appointments, each
 * with the room left in the daily capacity of the job's damage flow type
 * (the company's default, classic repair, when the job has none). Full days
 * are left out.
 */
export async function repairOptions(deps: BookingDeps, job: PortalJob, language: string, now = new Date()): Promise<RepairOptions> {
  const location = (await findLocation(deps.db, job.location_id)) as RepairLocation;
  const flow = await effectiveFlowType(deps.db, job.id);
  const slots = repairSlots(repairRules(location), now);
  if (slots.length === 0 || flow.daily_capacity === 0) return { location, flow, days: [] };
  const usage = await repairDayUsage(deps.db, {
    locationId: location.id,
    flowTypeId: flow.id,
    timeZone: location.time_zone,
    from: slots[0]!.start,
    to: new Date(slots.at(-1)!.start.getTime() + 86_400_000),
    jobId: job.id,
  });
  const label = new Intl.DateTimeFormat(language, {
    timeZone: location.time_zone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: 'numeric',
    minute: '2-digit',
  });
  const days = slots
    .map((slot) => ({
      start: slot.start.toISOString(),
      label: label.format(slot.start),
      free: flow.daily_capacity - (usage.get(localDay(slot.start, location.time_zone)) ?? 0),
    }))
    .filter((day) => day.free > 0);
  return { location, flow, days };
}

export type RepairRequest = { status: 'held'; email: string } | { status: 'taken' } | { status: 'noEmail' };

/**
 * P4 confirm: a pending repair booking for the job, then its D1 workflow,
 * which holds the day (or answers that it just filled up) and mails the
 * 15-minute link to the e-mail address the shop has for the job.
 */
export async function requestRepair(deps: BookingDeps, job: PortalJob, slotStart: string, language: string, now = new Date()): Promise<RepairRequest> {
  const { location, flow, days } = await repairOptions(deps, job, language, now);
  if (!days.some((day) => day.start === slotStart)) return { status: 'taken' };
  const bookingId = randomUUID();
  const inserted = await insertRepairBooking(deps.db, {
    id: bookingId,
    jobId: job.id,
    locationId: location.id,
    flowTypeId: flow.id,
    slotStart: new Date(slotStart),
    language,
  });
  if (!inserted) return { status: 'noEmail' };
  const hold: HoldOutcome = await startBooking(deps, { bookingId, plate: job.plate, location, kind: 'repair' });
  return hold.held ? { status: 'held', email: inserted.email } : { status: 'taken' };
}

/** "k****@example.com": enough for the customer to recognise, too little for someone who only knows the plate. */
export function maskEmail(email: string): string {
  const [name = '', domain = ''] = email.split('@');
  return `${name.slice(0, 1)}${'*'.repeat(Math.max(3, name.length - 1))}@${domain}`;
}
