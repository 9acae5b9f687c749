import type { JobEventType, JobSnapshot, JobStep } from '../workflows/jobLifecycle.contract';

/**
 * The aftersales board (W3, B2), pure: its five columns are the job's D4
 * lifecycle seen from the workshop floor, so a card's column is never
 * stored, it is read from the job's step. An appointment without a job is New.
 */
export const boardColumns = ['new', 'in_service', 'waiting_customer', 'ready', 'completed'] as const;
export type BoardColumn = (typeof boardColumns)[number];

export const isBoardColumn = (value: unknown): value is BoardColumn => boardColumns.includes(value as BoardColumn);

/** W7: the colour labels a card may carry (the database checks the same list). */
export const cardColors = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'grey'] as const;
export type CardColor = (typeof cardColors)[number];

const columnOfSteps: Record<JobStep, BoardColumn> = {
  new: 'new',
  appointment: 'new',
  vehicle_in: 'in_service',
  work_started: 'in_service',
  waiting_customer: 'waiting_customer',
  finished: 'ready',
  picked_up: 'completed',
};

/** The column of a card whose job is at `step`; null (no job yet) is New. */
export const columnOfStep = (step: JobStep | null | undefined): BoardColumn => (step ? columnOfSteps[step] : 'new');

/**
 * The D4 events a board move asks for, in order, from the job's state to the
 * target column. A forward move walks the lifecycle (a card dropped on Ready
 * while the vehicle is only in records work started and finished, at the
 * moment of the drop); Waiting for customer pauses and resumes; a move back
 * asks for the event the target column stands for, which D4 then refuses
 * with its reason (a finished vehicle cannot be "in service" again). Empty
 * when the card is already there. D4 stays the judge: these are only asked.
 */
export function eventsForMove(job: JobSnapshot, target: BoardColumn): JobEventType[] {
  const from = columnOfStep(job.step);
  if (from === target) return [];
  const events: JobEventType[] = [];
  let step: JobStep = job.step;
  const started = job.dates.ready_for_start !== null || job.dates.first_activity !== null;
  if (step === 'waiting_customer') {
    events.push('customer_answered');
    step = started ? 'work_started' : 'vehicle_in';
    if (target === 'in_service') return events;
  }
  const path: Record<BoardColumn, JobEventType[]> = {
    new: ['appointment'],
    in_service: ['vehicle_in'],
    waiting_customer: ['waiting_for_customer'],
    ready: ['activity_started', 'finished'],
    completed: ['picked_up'],
  };
  const order: BoardColumn[] = ['new', 'in_service', 'ready', 'completed'];
  const here = order.indexOf(columnOfStep(step));
  if (target === 'waiting_customer') {
    // From New the vehicle comes in first; from Ready or Completed D4 says no.
    if (here < order.indexOf('in_service')) events.push('vehicle_in');
    events.push('waiting_for_customer');
    return events;
  }
  const there = order.indexOf(target);
  if (there <= here) return [...events, ...path[target]];
  for (let index = here + 1; index <= there; index++) {
    const column = order[index]!;
    for (const type of path[column]) {
      // Work that started already is not started again.
      if (type === 'activity_started' && (started || step === 'work_started')) continue;
      events.push(type);
    }
  }
  return events;
}
