import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { hashToken } from '../../lib/tokens';
import { estimateSlotUsage } from '../../db/appointments';
import { confirmedJobNumber, findBookingByTokenHash, insertPendingBooking, type Booking } from '../../db/bookings';
import { jobNumberOf } from '../../db/jobs';
import { estimateHours, findLocation, slotRules, type Location } from '../../db/locations';
import { normalizePlate } from '../../lib/plates';
import { formatLocalClockTime, formatLocalDate, formatLocalDateTime, localDay } from '../../lib/time';
import { findSlot, generateSlots, type Slot } from '../../lib/slots';
import { bookingWorkflowId, bookingWorkflowType, confirmUpdate, holdUpdate, type BookingWorkflow, type HoldOutcome } from '../../workflows/booking.contract';
import { locationKey, plateKey } from '../../workflows/searchAttributes.contract';
import { UserError } from '../errors';
import type { EstimateWizard } from './wizard';

export interface BookingDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  linkTtlMs: number;
}

export interface SlotDay {
  date: string;
  label: string;
  slots: { start: string; label: string; free: number }[];
}

/** Free slots grouped by local day; `undefined` when the location has no estimate hours at all. */
export async function availableSlots(db: Knex, location: Location, language: string, now = new Date()): Promise<SlotDay[] | undefined> {
  const hours = await estimateHours(db, location.id);
  if (hours.length === 0) return undefined;
  const slots = generateSlots(hours, slotRules(location), now);
  if (slots.length === 0) return [];
  const usage = await estimateSlotUsage(db, location.id, slots[0]!.start, slots.at(-1)!.end);
  // Formatters made once per process and texts remembered (lib/time.ts): every visitor's slot page shows the same hundreds of slots.
  const timeZone = location.time_zone;
  const days = new Map<string, SlotDay>();
  for (const slot of slots) {
    const free = location.slot_capacity - (usage.get(slot.start.getTime()) ?? 0);
    if (free <= 0) continue;
    const key = localDay(slot.start, timeZone);
    let day = days.get(key);
    if (!day) days.set(key, (day = { date: key, label: formatLocalDate(slot.start, timeZone, language), slots: [] }));
    day.slots.push({ start: slot.start.toISOString(), label: formatLocalClockTime(slot.start, timeZone, language), free });
  }
  return [...days.values()];
}

export function formatSlot(start: Date | string, location: Location, language: string): string {
  return formatLocalDateTime(typeof start === 'string' ? new Date(start) : start, location.time_zone, language);
}

/** P2 confirm: stores the request, then starts its D1 workflow and waits for the hold. */
export async function requestEstimate(
  deps: BookingDeps,
  wizard: EstimateWizard,
  location: Location,
  language: string,
  now = new Date(),
): Promise<{ bookingId: string; hold: HoldOutcome }> {
  const { contact, vehicle, slotStart } = wizard;
  if (!contact || !vehicle || !slotStart) throw new UserError('incomplete');
  const slot: Slot | undefined = findSlot(await estimateHours(deps.db, location.id), slotRules(location), now, new Date(slotStart));
  if (!slot) return { bookingId: '', hold: { held: false, reason: 'slot_taken' } };

  const bookingId = randomUUID();
  await insertPendingBooking(
    deps.db,
    {
      id: bookingId,
      location_id: location.id,
      slot_start: slot.start,
      slot_end: slot.end,
      language,
      first_name: contact.firstName,
      last_name: contact.lastName,
      email: contact.email,
      phone: contact.phone,
      gdpr_consent_at: new Date(contact.consentAt),
      plate: vehicle.plate,
      make: vehicle.make,
      model: vehicle.model,
    },
    wizard.photoIds,
  );
  const hold = await startBooking(deps, { bookingId, plate: vehicle.plate, location });
  return { bookingId, hold };
}

/**
 * Starts a booking's D1 workflow and waits for its hold, in one call
 * (update-with-start), so the customer learns at once whether the slot is theirs.
 */
export async function startBooking(
  deps: BookingDeps,
  { bookingId, plate, location, kind }: { bookingId: string; plate: string; location: Location; kind?: 'repair' },
): Promise<HoldOutcome> {
  const start = new WithStartWorkflowOperation<BookingWorkflow>(bookingWorkflowType, {
    workflowId: bookingWorkflowId(bookingId),
    taskQueue: deps.taskQueue,
    args: [{ bookingId, linkTtlMs: deps.linkTtlMs, ...(kind ? { kind } : {}) }],
    workflowIdConflictPolicy: 'FAIL',
    typedSearchAttributes: [
      { key: plateKey, value: normalizePlate(plate) },
      { key: locationKey, value: location.slug },
    ],
  });
  return deps.temporal.workflow.executeUpdateWithStart(holdUpdate, { startWorkflowOperation: start });
}

export type ConfirmResult =
  | { status: 'confirmed'; jobNumber: string; booking: Booking; location: Location }
  | { status: 'expired' }
  /** P4: the job had moved on (vehicle already in) when the customer confirmed */
  | { status: 'refused'; location: Location };

/** What the e-mail link shows when opened: the booking still to confirm, the confirmation once it is, or expired. */
export type LinkState =
  | { status: 'open'; booking: Booking; location: Location; jobNumber: string }
  | Exclude<ConfirmResult, { status: 'refused' }>;

/** The booking of a link and its location; undefined for a link we never sent. */
async function linkedBooking(deps: BookingDeps, token: string): Promise<{ booking: Booking; location: Location } | undefined> {
  const booking = await findBookingByTokenHash(deps.db, hashToken(token));
  return booking && { booking, location: (await findLocation(deps.db, booking.location_id))! };
}

/** A used link's answer: the confirmation with the job number the booking got, or expired when it got none. */
async function confirmation(deps: BookingDeps, booking: Booking, location: Location): Promise<Exclude<ConfirmResult, { status: 'refused' }>> {
  const jobNumber = await confirmedJobNumber(deps.db, booking.id);
  return jobNumber ? { status: 'confirmed', jobNumber, booking, location } : { status: 'expired' };
}

/**
 * P3: the customer opened the e-mail link. Opening changes nothing (a mail
 * scanner that follows links confirms nothing): a booking still held shows
 * itself with a Confirm button, a used link the existing confirmation, an
 * unknown, expired or released one the expired text.
 */
export async function bookingByToken(deps: BookingDeps, token: string, now = new Date()): Promise<LinkState> {
  const linked = await linkedBooking(deps, token);
  if (!linked) return { status: 'expired' };
  const { booking, location } = linked;
  if (booking.status === 'confirmed') return confirmation(deps, booking, location);
  if (booking.status !== 'held' || (booking.expires_at && booking.expires_at <= now)) return { status: 'expired' };
  return { status: 'open', booking, location, jobNumber: booking.job_id ? await jobNumberOf(deps.db, booking.job_id) : '' };
}

/**
 * P3: the customer pressed Confirm on the link's page. A used link shows the
 * existing confirmation; an unknown, expired or released one the expired text.
 */
export async function confirmByToken(deps: BookingDeps, token: string): Promise<ConfirmResult> {
  const linked = await linkedBooking(deps, token);
  if (!linked) return { status: 'expired' };
  const { booking, location } = linked;
  if (booking.status === 'confirmed') return confirmation(deps, booking, location);
  if (booking.status !== 'held') return { status: 'expired' };
  try {
    const outcome = await deps.temporal.workflow.getHandle(bookingWorkflowId(booking.id)).executeUpdate(confirmUpdate);
    if (outcome.status === 'confirmed') return { status: 'confirmed', jobNumber: outcome.jobNumber, booking, location };
    return outcome.status === 'refused' ? { status: 'refused', location } : outcome;
  } catch (error) {
    // The workflow ended between our read and the update: the database says how.
    if (error instanceof WorkflowUpdateFailedError || (error instanceof Error && error.name === 'WorkflowNotFoundError')) {
      return confirmation(deps, booking, location);
    }
    throw error;
  }
}
