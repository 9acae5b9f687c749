import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import { createJobFromBooking, findBooking, holdSlot, releaseHold, type HoldResult } from '../db/bookings';

/** D1 database side effects. Each is idempotent: a retry answers the same and changes nothing more. */
export function createBookingActivities({ db }: { db: Knex }) {
  return {
    async holdSlot(bookingId: string, expiresAtIso: string): Promise<HoldResult> {
      if (!(await findBooking(db, bookingId))) {
        throw ApplicationFailure.nonRetryable(`booking ${bookingId} does not exist`, 'BookingNotFound');
      }
      return holdSlot(db, bookingId, new Date(expiresAtIso));
    },
    async releaseHold(bookingId: string): Promise<void> {
      await releaseHold(db, bookingId);
    },
    async createJobFromBooking(bookingId: string): Promise<{ jobId: number; jobNumber: string }> {
      return createJobFromBooking(db, bookingId);
    },
  };
}
