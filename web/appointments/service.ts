import type { Knex } from 'knex';
import type { LeadEvents } from '../leads/service';
import { cancelAppointment, rescheduleAppointment, type AppointmentRow } from '../../db/appointments';
import { findPortalJob } from '../../db/jobs';
import { appointmentCancelled, appointmentRescheduled } from '../../clients/checkinWorkflow';
import { advanceJob, type LifecycleDeps } from '../../clients/jobLifecycle';
import type { Refusal } from '../../workflows/jobLifecycle.contract';


export interface AppointmentServiceDeps extends LifecycleDeps {
  db: Knex;
  leads: LeadEvents;
}

type Visit = Pick<AppointmentRow, 'id' | 'company_id' | 'status' | 'starts_at' | 'ends_at'> & { kind: string; job_id: number | null; lead_id: number | null };

export type AppointmentOutcome = { ok: true } | { ok: false; reason: 'gone' } | { ok: false; reason: 'refused'; refusal: Refusal };

/**
 * Moves an appointment, from whatever screen (overview, appointment page, the
 * customer's own link, B1). A job's repair appointment (or the service visit
 * it was opened from on the board, W3) is its D4 workflow's
 * date, so it moves through that workflow (which may refuse: the vehicle is
 * in), and the workflow's read model moves the row and its check-in; any
 * other appointment moves here and its check-in (D2) is told.
 */
export async function moveAppointment(deps: AppointmentServiceDeps, visit: Visit, startsAt: Date, endsAt: Date): Promise<AppointmentOutcome> {
  if (visit.status !== 'planned') return { ok: false, reason: 'gone' };
  if (visit.kind !== 'estimate' && visit.job_id !== null) {
    const job = await findPortalJob(deps.db, visit.job_id);
    if (!job) return { ok: false, reason: 'gone' };
    const result = await advanceJob(deps, job, { type: 'appointment', at: startsAt.toISOString() });
    if (!result.ok) return { ok: false, reason: 'refused', refusal: result.refusal };
    // The workflow moved the start and kept the length; a new length asked for is written here.
    const length = endsAt.getTime() - startsAt.getTime();
    if (length !== visit.ends_at.getTime() - visit.starts_at.getTime()) await rescheduleAppointment(deps.db, visit.company_id, visit.id, startsAt, endsAt);
    return { ok: true };
  }
  if (!(await rescheduleAppointment(deps.db, visit.company_id, visit.id, startsAt, endsAt))) return { ok: false, reason: 'gone' };
  await appointmentRescheduled(deps, visit.id);
  return { ok: true };
}

/**
 * Cancels an appointment, from whatever screen. A job's repair appointment
 * is withdrawn through the job's D4 workflow (the job waits for a new one);
 * a lead's appointment sets the lead Cancelled through the lead's workflow
 * (M3); every cancelled appointment's check-in sends nothing more.
 */
export async function cancelVisit(deps: AppointmentServiceDeps, visit: Visit, staffId: number | null): Promise<AppointmentOutcome> {
  if (visit.status !== 'planned') return { ok: false, reason: 'gone' };
  if (visit.kind !== 'estimate' && visit.job_id !== null) {
    const job = await findPortalJob(deps.db, visit.job_id);
    if (!job) return { ok: false, reason: 'gone' };
    const result = await advanceJob(deps, job, { type: 'appointment_cancelled', at: new Date().toISOString() });
    return result.ok ? { ok: true } : { ok: false, reason: 'refused', refusal: result.refusal };
  }
  const cancelled = await cancelAppointment(deps.db, visit.company_id, visit.id);
  if (!cancelled) return { ok: false, reason: 'gone' };
  await appointmentCancelled(deps, visit.id);
  if (cancelled.leadId) await deps.leads.appointmentDeleted(cancelled.leadId, staffId);
  return { ok: true };
}
