import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import { findJobState, snapshotOf } from '../db/jobs';
import { normalizePlate } from '../lib/plates';
import { workflowStarted } from './temporal';
import {
  advanceUpdate,
  jobLifecycleWorkflowType,
  jobWorkflowId,
  type JobEvent,
  type JobLifecycleInput,
  type JobLifecycleWorkflow,
  type JobSnapshot,
  type Refusal,
} from '../workflows/jobLifecycle.contract';
import { jobNumberKey, locationKey, plateKey } from '../workflows/searchAttributes.contract';

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

function startOptions(deps: LifecycleDeps, job: JobRef, snapshot: JobSnapshot) {
  return {
    workflowId: jobWorkflowId(job.job_number),
    taskQueue: deps.taskQueue,
    args: [{ jobId: job.id, jobNumber: job.job_number, snapshot }] as [JobLifecycleInput],
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
    typedSearchAttributes: [
      { key: jobNumberKey, value: job.job_number },
      { key: plateKey, value: normalizePlate(job.plate) },
      { key: locationKey, value: job.location_slug },
    ],
  };
}

/**
 * Starts the D4 workflow of a job staff just created (portal jobs get theirs
 * from the booking workflow). Starting twice is harmless: the running one is kept.
 */
export async function startJobLifecycle(deps: LifecycleDeps, job: JobRef): Promise<void> {
  const state = await findJobState(deps.db, job.id);
  if (!state) throw new Error(`job ${job.id} does not exist`);
  try {
    await deps.temporal.workflow.start<JobLifecycleWorkflow>(jobLifecycleWorkflowType, startOptions(deps, job, snapshotOf(state)));
  } catch (error) {
    // A picked-up job's completed workflow is never started again.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await workflowStarted(deps, 'job', job.id);
}

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
  const start = new WithStartWorkflowOperation<JobLifecycleWorkflow>(jobLifecycleWorkflowType, startOptions(deps, job, snapshotOf(state)));
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
