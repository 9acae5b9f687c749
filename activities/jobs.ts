import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { plannedJobAppointment } from '../db/appointments';
import { saveJobState } from '../db/jobs';
import { appointmentCancelled, appointmentRescheduled, startCheckinWorkflow } from '../clients/checkinWorkflow';
import type { JobSnapshot } from '../workflows/jobLifecycle.contract';

export function createJobActivities({ db, temporal, taskQueue }: { db: Knex; temporal: Client; taskQueue: string }) {
  const checkin = { temporal, taskQueue };
  return {
    /**
     * Writes the workflow's state to its read model (the jobs row and the job's
     * repair appointment) and tells open status pages (LISTEN/NOTIFY); the
     * appointment's check-in workflow (D2) follows a new, moved or withdrawn
     * date. Idempotent: a retry finds the rows written and, as the first
     * attempt may have stopped before telling check-in, tells it again.
     */
    async recordJobState(jobId: number, job: JobSnapshot): Promise<void> {
      const change = await saveJobState(db, jobId, job);
      if (change?.change === 'created') await startCheckinWorkflow(checkin, change.appointmentId);
      else if (change?.change === 'moved') await appointmentRescheduled(checkin, change.appointmentId);
      else if (change?.change === 'cancelled') await appointmentCancelled(checkin, change.appointmentId);
      else if (Context.current().info.attempt > 1 && job.dates.appointment !== null && job.step === 'appointment') {
        const row = await plannedJobAppointment(db, jobId);
        if (row) await appointmentRescheduled(checkin, row.id);
      }
    },
  };
}
