import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { findOwnVisit, findOwnVisitByTokenHash, moveOwnVisit, recordOwnCancellation, selfServiceOpen, serviceDayUsage, undoOwnMove, type OwnVisit } from '../../db/appointmentLinks';
export { ownVisitCalendar } from '../../db/appointmentLinks';
import { estimateSlotUsage } from '../../db/appointments';
import { findPortalJob } from '../../db/jobs';
import { estimateHours, findLocation, slotRules } from '../../db/locations';
import { effectiveFlowType, repairDayUsage, repairRules, type RepairLocation } from '../../db/repairBookings';
import { localDay } from '../../lib/time';
import { appointmentRescheduled } from '../../clients/checkinWorkflow';
import { advanceJob } from '../../clients/jobLifecycle';
import { generateSlots, repairSlots, type Slot } from '../../lib/slots';
import { hashToken, isLinkToken } from '../../lib/tokens';
import { sendVisitConfirmation } from '../appointments/confirmation';
import { cancelVisit, type AppointmentServiceDeps } from '../appointments/service';

export type VisitDeps = AppointmentServiceDeps & { publicUrl: string; i18n: i18n };

// Links are 32 random bytes in base64url; anything else is not worth a query.

/** The appointment of a manage link, whatever its status; undefined for an unknown link. */
export async function visitByToken(db: Knex, token: string): Promise<OwnVisit | undefined> {
  if (!isLinkToken(token)) return undefined;
  return findOwnVisitByTokenHash(db, hashToken(token));
}

/** Whether the customer may still move or cancel it themselves (B1: planned, and not past the location's cut-off). */
export const changeable = (visit: OwnVisit, now = new Date()) => selfServiceOpen(visit, now);


const DAY = 86_400_000;

/**
 * The slots the customer may move the appointment to, earliest first, each
 * with room (the appointment itself not counted), its own start left out.
 * Nothing closer than the cut-off: a move must leave the shop that much notice.
 * - estimate: the location's estimate slots (opening hours, slot length), room
 *   per slot in its capacity (held bookings and planned estimate appointments);
 * - repair (a job's): the location's repair days at its drop-off time, room in
 *   the daily capacity of the job's damage flow type; the visit keeps its length;
 * - service: the location's repair days (weekdays, horizon) at the
 *   appointment's own local time of day and length, room in the location's
 *   daily service capacity.
 */
export async function freeSlots(db: Knex, visit: OwnVisit, now = new Date()): Promise<Slot[]> {
  const location = (await findLocation(db, visit.location_id)) as RepairLocation;
  const leadMinutes = Math.max(location.booking_lead_minutes, location.self_service_cutoff_hours * 60);
  const length = visit.ends_at.getTime() - visit.starts_at.getTime();
  const from = now;
  const to = new Date(now.getTime() + (location.booking_horizon_days + 2) * DAY);
  const notCurrent = (slot: Slot) => slot.start.getTime() !== visit.starts_at.getTime();
  // Repair and service days: not the visit's own day, with room that day, the visit keeping its length.
  const currentDay = localDay(visit.starts_at, location.time_zone);
  const freeDays = (days: Slot[], usage: Map<string, number>, capacity: number) =>
    days
      .filter((day) => localDay(day.start, location.time_zone) !== currentDay && (usage.get(localDay(day.start, location.time_zone)) ?? 0) < capacity)
      .map((day) => ({ start: day.start, end: new Date(day.start.getTime() + length) }));

  if (visit.kind === 'estimate') {
    const slots = generateSlots(await estimateHours(db, location.id), { ...slotRules(location), leadMinutes }, now);
    const taken = await estimateSlotUsage(db, location.id, from, to, visit.id);
    return slots.filter((slot) => notCurrent(slot) && (taken.get(slot.start.getTime()) ?? 0) < location.slot_capacity);
  }
  if (visit.kind === 'repair' && visit.job_id !== null) {
    const flow = await effectiveFlowType(db, visit.job_id);
    const days = repairSlots({ ...repairRules(location), leadMinutes }, now);
    const usage = await repairDayUsage(db, { locationId: location.id, flowTypeId: flow.id, timeZone: location.time_zone, from, to, jobId: visit.job_id });
    return freeDays(days, usage, flow.daily_capacity);
  }
  const local = DateTime.fromJSDate(visit.starts_at, { zone: location.time_zone });
  const days = repairSlots({ ...repairRules(location), dropoffTime: local.toFormat('HH:mm'), leadMinutes }, now);
  const usage = await serviceDayUsage(db, { locationId: location.id, timeZone: location.time_zone, from, to, exceptAppointmentId: visit.id });
  return freeDays(days, usage, location.service_daily_capacity);
}

/** The offered slot starting at `startIso`, if there is one. */
export async function offeredSlot(db: Knex, visit: OwnVisit, startIso: unknown, now = new Date()): Promise<Slot | undefined> {
  if (typeof startIso !== 'string' || Number.isNaN(Date.parse(startIso))) return undefined;
  const start = new Date(startIso).getTime();
  return (await freeSlots(db, visit, now)).find((slot) => slot.start.getTime() === start);
}

export type OwnChangeOutcome = 'done' | 'closed' | 'full' | 'notOffered' | 'vehicleIn';

/**
 * B1: the customer moves their appointment to a free slot. The row is
 * written under the lock of its kind's capacity (db/appointmentLinks.ts
 * moveOwnVisit, B3). A job's repair appointment is then sent to the job's
 * D4 workflow (its read model finds the row already at that date); if the
 * workflow refuses (the vehicle is in meanwhile) the row goes back. The
 * appointment's check-in (D2) follows the new time, and the customer gets
 * the move confirmed by e-mail with the new .ics.
 */
export async function moveOwnAppointment(deps: VisitDeps, visit: OwnVisit, startIso: unknown, now = new Date()): Promise<OwnChangeOutcome> {
  if (!changeable(visit, now)) return 'closed';
  const slot = await offeredSlot(deps.db, visit, startIso, now);
  if (!slot) return 'notOffered';
  const result = await moveOwnVisit(deps.db, visit.id, slot.start, slot.end, now);
  if (!result.moved) return result.reason;
  // A job's D4 appointment: its repair appointment, or the service visit it was opened from on the board (W3).
  if (visit.kind !== 'estimate' && visit.job_id !== null) {
    const job = await findPortalJob(deps.db, visit.job_id);
    const answer = job ? await advanceJob(deps, job, { type: 'appointment', at: slot.start.toISOString() }) : undefined;
    if (!answer?.ok) {
      await undoOwnMove(deps.db, visit.id, slot.start, result.previous);
      return 'vehicleIn';
    }
  }
  await appointmentRescheduled(deps, visit.id);
  // The customer gets the moved appointment confirmed, with the new .ics (its SEQUENCE updates the calendar entry).
  const moved = await findOwnVisit(deps.db, visit.id);
  if (moved?.email) await sendVisitConfirmation(deps, visit.id, 'email', `appointment-${visit.id}:moved-by-customer:${moved.sequence}`);
  return 'done';
}

/**
 * B1: the customer cancels their appointment, through the one cancel of
 * every screen (web/appointments/service.ts cancelVisit): a job's repair
 * appointment through its D4 workflow, a lead's tells the lead (M3), the
 * check-in ends. The place is free at once (capacity counts planned rows).
 */
export async function cancelOwnAppointment(deps: VisitDeps, visit: OwnVisit, now = new Date()): Promise<OwnChangeOutcome> {
  if (!changeable(visit, now)) return 'closed';
  const outcome = await cancelVisit(deps, visit, null);
  if (!outcome.ok) return outcome.reason === 'refused' ? 'vehicleIn' : 'closed';
  await recordOwnCancellation(deps.db, visit);
  return 'done';
}

export { visitTimes } from '../../lib/time';

/** Free slots grouped by local day for the move page, each with its label and the value the form sends. */
export function slotsByDay(slots: Slot[], timeZone: string, language: string) {
  const days = new Map<string, { label: string; slots: { value: string; label: string }[] }>();
  for (const slot of slots) {
    const start = DateTime.fromJSDate(slot.start, { zone: timeZone }).setLocale(language);
    const key = start.toISODate()!;
    if (!days.has(key)) days.set(key, { label: start.toLocaleString(DateTime.DATE_HUGE), slots: [] });
    days.get(key)!.slots.push({ value: slot.start.toISOString(), label: start.toLocaleString(DateTime.TIME_SIMPLE) });
  }
  return [...days.values()];
}

