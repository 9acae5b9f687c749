import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import { findJobState, snapshotOf } from '../../db/jobs';
import { normalizePlate } from '../../lib/plates';
import { advanceUpdate, jobLifecycleWorkflow, jobWorkflowId } from '../../workflows/jobLifecycle';
import type { JobEvent, JobSnapshot, Refusal } from '../../workflows/jobSteps';
import { jobNumberKey, locationKey, plateKey } from '../../workflows/searchAttributes';

export interface LifecycleDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
}

export interface JobRef {
  id: number;
  job_number: string;
  plate: string;
  location_slug: string;
}

export type AdvanceResult = { ok: true; job: JobSnapshot } | { ok: false; refusal: Refusal };

/**
 * Sends one lifecycle step to the job's D4 workflow and returns its answer.
 * Update-with-start: a job whose workflow is not running yet (created by
 * staff a moment ago, or before D4 existed) gets one, seeded from the
 * database; a picked-up job's completed workflow is never started again.
 */
export async function advanceJob(deps: LifecycleDeps, job: JobRef, event: JobEvent): Promise<AdvanceResult> {
  const state = await findJobState(deps.db, job.id);
  if (!state) throw new Error(`job ${job.id} does not exist`);
  if (state.step === 'picked_up') return { ok: false, refusal: 'pickedUp' };
  const start = new WithStartWorkflowOperation(jobLifecycleWorkflow, {
    workflowId: jobWorkflowId(job.job_number),
    taskQueue: deps.taskQueue,
    args: [{ jobId: job.id, jobNumber: job.job_number, snapshot: snapshotOf(state) }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: jobNumberKey, value: job.job_number },
      { key: plateKey, value: normalizePlate(job.plate) },
      { key: locationKey, value: job.location_slug },
    ],
  });
  try {
    const snapshot = await deps.temporal.workflow.executeUpdateWithStart(advanceUpdate, {
      args: [event],
      startWorkflowOperation: start,
    });
    return { ok: true, job: snapshot };
  } catch (error) {
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === 'StepRefused') {
      return { ok: false, refusal: cause.details?.[0] as Refusal };
    }
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { ok: false, refusal: 'pickedUp' };
    throw error;
  }
}
