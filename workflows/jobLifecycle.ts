/**
 * D4 job lifecycle (P5, P8): appointment -> vehicle in -> work started ->
 * finished -> picked up. Staff actions arrive as Updates, validated against
 * the order (a refused step never enters history) and answered with the new
 * state; each accepted step is written to the jobs row, the read model for
 * pages. The workflow completes at pickup.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createJobActivities } from '../activities/jobs';
import { advanceUpdate, jobStatusQuery, type JobLifecycleInput } from './jobLifecycle.contract';
import { applyJobEvent, type JobEvent, type JobSnapshot } from './jobSteps';
import { followPlateChanges } from './searchAttributes';

const jobs = proxyActivities<ReturnType<typeof createJobActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function refuse(job: JobSnapshot, event: JobEvent): JobSnapshot {
  const result = applyJobEvent(job, event);
  if (!result.ok) throw ApplicationFailure.nonRetryable(`step ${event.type} refused: ${result.refusal}`, 'StepRefused', result.refusal);
  return result.job;
}

export async function jobLifecycleWorkflow({ jobId, snapshot }: JobLifecycleInput): Promise<JobSnapshot> {
  let job = snapshot;
  let busy = false;

  setHandler(jobStatusQuery, () => job);
  followPlateChanges();
  setHandler(
    advanceUpdate,
    async (event) => {
      // One step at a time: a second Update waits, then is checked against the new state.
      // Test and set with no await in between, or two waiters woken together would both pass.
      while (busy) await condition(() => !busy);
      busy = true;
      try {
        const next = refuse(job, event);
        await jobs.recordJobState(jobId, next);
        job = next;
        return job;
      } finally {
        busy = false;
      }
    },
    { validator: (event) => void refuse(job, event) },
  );

  await condition(() => job.step === 'picked_up');
  await condition(allHandlersFinished);
  return job;
}
