/**
 * D1 booking confirmation (P2, P3, P4), as the web pages and scripts see it:
 * workflows/booking.ts is the workflow.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export type BookingState = 'holding' | 'slot taken' | 'awaiting confirmation' | 'confirmed' | 'expired';

export type HoldOutcome = { held: true; expiresAt: string } | { held: false; reason: 'slot_taken' };
export type ConfirmOutcome =
  | { status: 'confirmed'; jobNumber: string }
  | { status: 'expired' }
  /** P4: the job moved on (vehicle already in) before the customer confirmed */
  | { status: 'refused' };

export interface BookingInput {
  bookingId: string;
  /** How long the e-mail link stays valid, in milliseconds (BOOKING_LINK_TTL). */
  linkTtlMs: number;
  /** 'repair' (P4) books an existing job; absent for an estimate (P2), which creates one. */
  kind?: 'repair';
}

/** Answers once the hold is decided: the web page tells the customer at once whether the slot is theirs. */
export const holdUpdate = defineUpdate<HoldOutcome>('hold');
/** The customer clicked the e-mail link; answers with the job number. */
export const confirmUpdate = defineUpdate<ConfirmOutcome>('confirm');
export const stateQuery = defineQuery<BookingState>('state');

export const bookingWorkflowId = (bookingId: string) => `booking-${bookingId}`;

export const bookingWorkflowType = 'bookingWorkflow';
export type BookingWorkflow = (input: BookingInput) => Promise<ConfirmOutcome | HoldOutcome>;
