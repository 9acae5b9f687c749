/**
 * D2 check-in (C1, W1), as pages, clients and the worker see it:
 * workflows/checkIn.ts is the workflow.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface CheckinInput {
  appointmentId: number;
}

export type CheckinMessageKind = 'link' | 'reminder';

export interface CheckinState {
  /** the appointment's start as last read, ISO; null once it is cancelled */
  startsAt: string | null;
  sent: { kind: CheckinMessageKind; at: string; key: string }[];
  next: { kind: CheckinMessageKind | 'appointment'; at: string } | null;
}

/** How a check-in ends: its appointment began, or it was cancelled (or never planned). */
export type CheckinOutcome = 'started' | 'cancelled';

/** The appointment moved: its new time is read from the database. */
export const rescheduleSignal = defineSignal('reschedule');
/** The appointment was cancelled: nothing more is sent. */
export const cancelCheckinSignal = defineSignal('cancel');
export const checkinStateQuery = defineQuery<CheckinState>('state');

export const checkinWorkflowId = (appointmentId: number) => `checkin-${appointmentId}`;

export const checkInWorkflowType = 'checkInWorkflow';
export type CheckInWorkflow = (input: CheckinInput) => Promise<CheckinOutcome>;
