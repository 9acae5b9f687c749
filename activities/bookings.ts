import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { queueAppointmentConfirmation } from '../db/appointmentConfirmations';
import { linkRepairBooking, plannedJobAppointment } from '../db/appointments';
import { messageExists } from '../db/messages';
import { BookingMissing, createJobFromBooking, findBooking, holdSlot, releaseHold, type HoldResult } from '../db/bookings';
import { findPortalJob } from '../db/jobs';
import { markRepairBookingConfirmed } from '../db/repairBookings';
import { startCheckinWorkflow } from '../clients/checkinWorkflow';
import { advanceJob, startJobLifecycle } from '../clients/jobLifecycle';
import type { Refusal } from '../workflows/jobLifecycle.contract';
import { messageWorkflowId, messageWorkflowType, type MessageWorkflow } from '../workflows/message.contract';

export type RepairConfirmation = { applied: true; jobNumber: string } | { applied: false; refusal: Refusal };

/** D1 side effects. Each is idempotent: a retry answers the same and changes nothing more. */
export function createBookingActivities({ db, temporal, taskQueue, i18n, publicUrl }: { db: Knex; temporal: Client; taskQueue: string; i18n: i18n; publicUrl: string }) {
  /**
   * B1: the confirmed booking's appointment confirmation e-mail (manage link,
   * .ics) through the outbox and its own message workflow, once per booking:
   * a retry finds the message queued and only makes sure its workflow runs.
   */
  async function sendConfirmation(bookingId: string, appointmentId: number): Promise<void> {
    const key = `booking-${bookingId}:appointment-confirmation`;
    await queueAppointmentConfirmation(db, i18n, { appointmentId, channel: 'email', idempotencyKey: key, publicUrl });
    if (!(await messageExists(db, key))) return;
    await temporal.workflow.start<MessageWorkflow>(messageWorkflowType, { workflowId: messageWorkflowId(key), taskQueue, args: [key], workflowIdConflictPolicy: 'USE_EXISTING' });
  }


  async function startJobFollowUps(bookingId: string, appointmentId: number): Promise<void> {
    await startCheckinWorkflow({ temporal, taskQueue }, appointmentId);
    await sendConfirmation(bookingId, appointmentId);
  }
  return {
    async holdSlot(bookingId: string, expiresAtIso: string): Promise<HoldResult> {
      try {
        return await holdSlot(db, bookingId, new Date(expiresAtIso));
      } catch (error) {
        if (error instanceof BookingMissing) throw ApplicationFailure.nonRetryable(error.message, 'BookingNotFound');
        throw error;
      }
    },
    async releaseHold(bookingId: string): Promise<void> {
      await releaseHold(db, bookingId);
    },
    /** P3: customer, vehicle, job and its estimate appointment, in one transaction (startJobFollowUps then starts what follows from them). */
    async createJobRow(bookingId: string): Promise<{ jobId: number; jobNumber: string; appointmentId: number | null }> {
      return createJobFromBooking(db, bookingId);
    },
    /** P3, once the job row is written: the appointment's check-in (D2) starts, and its confirmation goes out (B1). */
    startJobFollowUps,
    /**
     * P3, once the job row is written: the job's D4 workflow starts (as staff
     * jobs' do, and marked started for the workflow-start sweep), and with an
     * appointment its check-in (D2) and its confirmation (B1). Each start is
     * idempotent, so a retry keeps what the first attempt started.
     */
    async startJobWorkflows(bookingId: string, jobId: number, appointmentId: number | null): Promise<void> {
      const job = await findPortalJob(db, jobId);
      if (!job) throw ApplicationFailure.nonRetryable(`job ${jobId} does not exist`, 'BookingNotFound');
      await Promise.all([
        startJobLifecycle({ db, temporal, taskQueue }, job),
        appointmentId === null ? undefined : startJobFollowUps(bookingId, appointmentId),
      ]);
    },
    /**
     * P3 as executions started before the booking-answers-at-job-row patch
     * run it: the job row, then the check-in (D2) and the confirmation (B1).
     */
    async createJobFromBooking(bookingId: string): Promise<{ jobId: number; jobNumber: string }> {
      const { jobId, jobNumber, appointmentId } = await createJobFromBooking(db, bookingId);
      if (appointmentId !== null) await startJobFollowUps(bookingId, appointmentId);
      return { jobId, jobNumber };
    },
    /**
     * P4: gives the job its appointment through the job's own D4 workflow
     * (the authority for its lifecycle), then marks the booking confirmed. A
     * retry sets the same appointment again, which changes nothing.
     */
    async confirmRepairBooking(bookingId: string): Promise<RepairConfirmation> {
      const booking = await findBooking(db, bookingId);
      if (!booking?.job_id) throw ApplicationFailure.nonRetryable(`repair booking ${bookingId} does not exist`, 'BookingNotFound');
      const job = await findPortalJob(db, booking.job_id);
      if (!job) throw ApplicationFailure.nonRetryable(`job ${booking.job_id} does not exist`, 'BookingNotFound');
      if (booking.status === 'confirmed') return { applied: true, jobNumber: job.job_number };
      const result = await advanceJob({ db, temporal, taskQueue }, job, { type: 'appointment', at: booking.slot_start.toISOString() });
      if (!result.ok) return { applied: false, refusal: result.refusal };
      // The appointment row the job's workflow wrote is the visit this booking made.
      await linkRepairBooking(db, job.id, bookingId, booking.slot_start);
      const appointment = await plannedJobAppointment(db, job.id);
      if (appointment) await sendConfirmation(bookingId, appointment.id);
      await markRepairBookingConfirmed(db, bookingId);
      return { applied: true, jobNumber: job.job_number };
    },
  };
}
