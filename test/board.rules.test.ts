import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJobEvent, jobEventTypes, newJob, type JobSnapshot } from '../workflows/jobLifecycle.contract';
import { boardColumns, columnOfStep, eventsForMove, type BoardColumn } from '../lib/board';

const at = '2026-12-01T09:00:00.000Z';
const forward: BoardColumn[] = ['new', 'in_service', 'ready', 'completed'];

/** Applies events until one is refused; answers the state reached and the refusal, if any. */
function apply(job: JobSnapshot, events: readonly string[]) {
  for (const type of events) {
    const result = applyJobEvent(job, { type: type as never, at });
    if (!result.ok) return { job, refusal: result.refusal };
    job = result.job;
  }
  return { job, refusal: undefined };
}

/** Any state D4 can reach from an appointment, by any accepted events. */
const reachable = fc.array(fc.constantFrom(...jobEventTypes), { maxLength: 12 }).map((types) => {
  let job = apply(newJob(), ['appointment']).job;
  for (const type of types) {
    const result = applyJobEvent(job, { type, at });
    if (result.ok) job = result.job;
  }
  return job;
});

describe('board columns are D4 steps (W3, B2)', () => {
  it('puts a card without a job in New, and every step in one column', () => {
    expect(columnOfStep(null)).toBe('new');
    expect(columnOfStep('appointment')).toBe('new');
    expect(columnOfStep('work_started')).toBe('in_service');
    expect(columnOfStep('finished')).toBe('ready');
    expect(columnOfStep('picked_up')).toBe('completed');
  });

  it('a move forward, or into and out of Waiting for customer, reaches its column; a move back is refused by D4', () => {
    fc.assert(
      fc.property(reachable, fc.constantFrom(...boardColumns), (job, target) => {
        // A job whose appointment was withdrawn has no card.
        fc.pre(job.step !== 'new');
        const from = columnOfStep(job.step);
        const { job: after, refusal } = apply(job, eventsForMove(job, target));
        const back =
          from === 'completed' ||
          (target !== 'waiting_customer' && forward.indexOf(target) < forward.indexOf(from === 'waiting_customer' ? 'in_service' : from)) ||
          (target === 'waiting_customer' && from === 'ready');
        if (from === target) expect(eventsForMove(job, target)).toEqual([]);
        else if (back) expect(refusal).toBeDefined();
        else {
          expect(refusal).toBeUndefined();
          expect(columnOfStep(after.step)).toBe(target);
        }
      }),
    );
  });

  it('does not start work again that had started', () => {
    const started = apply(newJob(), ['appointment', 'vehicle_in', 'activity_started']).job;
    expect(eventsForMove(started, 'ready')).toEqual(['finished']);
    const waiting = apply(started, ['waiting_for_customer']).job;
    expect(eventsForMove(waiting, 'ready')).toEqual(['customer_answered', 'finished']);
    expect(eventsForMove(waiting, 'in_service')).toEqual(['customer_answered']);
  });
});
