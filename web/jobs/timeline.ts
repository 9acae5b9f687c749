import type { JobStateRow } from '../../db/jobs';
import { formatLocalDateTimeShort } from '../../lib/time';
import { applyJobEvent, jobEventTypes, type JobEventType, type JobSnapshot } from '../../workflows/jobLifecycle.contract';

export interface TimelineStep {
  key: 'appointment' | 'vehicle_in' | 'work_started' | 'waiting_customer' | 'finished' | 'picked_up';
  done: boolean;
  /** local date and time, or '' */
  date: string;
  /** true when the date is a plan (the planned end), not something that happened */
  planned: boolean;
  /** the state the job is in now, when it is one that passes (W3: waiting for the customer's decision) */
  current?: boolean;
}

/**
 * P5: the five steps with their dates, as the customer and staff see them,
 * and "waiting for the customer" between them while work is paused for that.
 * "Work started" shows the date the location chose (ready for start, or the
 * first work activity); "vehicle finished" shows the planned end until done.
 */
export function timeline(
  row: Pick<JobStateRow, 'step' | 'appointment_at' | 'vehicle_in_at' | 'ready_for_start_at' | 'first_activity_at' | 'planned_end_at' | 'finished_at' | 'picked_up_at'>,
  workStartedSource: 'ready_for_start' | 'first_activity',
  timeZone: string,
  language: string,
): TimelineStep[] {
  const fmt = (date: Date | null) => (date ? formatLocalDateTimeShort(date, timeZone, language) : '');
  const workStarted = workStartedSource === 'ready_for_start' ? row.ready_for_start_at : row.first_activity_at;
  const steps: TimelineStep[] = [
    { key: 'appointment', done: row.appointment_at !== null, date: fmt(row.appointment_at), planned: false },
    { key: 'vehicle_in', done: row.vehicle_in_at !== null, date: fmt(row.vehicle_in_at), planned: false },
    { key: 'work_started', done: workStarted !== null, date: fmt(workStarted), planned: false },
    {
      key: 'finished',
      done: row.finished_at !== null,
      date: fmt(row.finished_at ?? row.planned_end_at),
      planned: row.finished_at === null && row.planned_end_at !== null,
    },
    { key: 'picked_up', done: row.picked_up_at !== null, date: fmt(row.picked_up_at), planned: false },
  ];
  // Work paused for a customer decision (W3): shown where the job stands, after the last step done.
  if (row.step === 'waiting_customer') {
    const after = row.ready_for_start_at !== null || row.first_activity_at !== null ? 3 : 2;
    steps.splice(after, 0, { key: 'waiting_customer', done: false, date: '', planned: false, current: true });
  }
  return steps;
}

/** The staff actions the current state allows, in the order of the lifecycle. */
export function allowedEvents(job: JobSnapshot): JobEventType[] {
  return jobEventTypes.filter((type) => applyJobEvent(job, { type, at: new Date(0).toISOString() }).ok);
}
