import type { Knex } from 'knex';
import { visitTimes } from '../../lib/time';
import { hashToken, isLinkToken } from '../../lib/tokens';
import { findCheckinByTokenHash, type CheckinAppointment } from '../../db/checkin';

/** Where a check-in link stands: open to fill in, already sent, or closed (the appointment is over). */
export type CheckinState = 'open' | 'completed' | 'closed';

// Links are 32 random bytes in base64url; anything else is not worth a query.

/** The appointment of a check-in link; undefined for an unknown link or a cancelled appointment. */
export async function checkinByToken(db: Knex, token: string): Promise<CheckinAppointment | undefined> {
  if (!isLinkToken(token)) return undefined;
  const appointment = await findCheckinByTokenHash(db, hashToken(token));
  return appointment && appointment.status !== 'cancelled' ? appointment : undefined;
}

export function checkinState(appointment: CheckinAppointment, now = new Date()): CheckinState {
  if (appointment.checkin_completed_at) return 'completed';
  if (appointment.status !== 'planned' || appointment.starts_at <= now) return 'closed';
  return 'open';
}

/**
 * C4: a channel to choose only where the company sends SMS, and for a customer
 * of its own: the choice is kept on the master customer, never on the shared
 * cash-sale one.
 */
export const smsOffered = (appointment: CheckinAppointment) => appointment.sms_enabled && appointment.customer_id !== null && !appointment.is_cash_sale;

/** The appointment's day and times in the location's time zone, as the page language writes them. */
export const appointmentTimes = (appointment: CheckinAppointment, language: string) => visitTimes(appointment, appointment.time_zone, language);

