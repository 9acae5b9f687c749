/**
 * D4 job lifecycle (P5, P8), as pages, activities and the worker see it:
 * workflows/jobLifecycle.ts is the workflow, workflows/jobSteps.ts its pure
 * rules (re-exported here, so nobody outside workflows/ reaches past the contract).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { JobEvent, JobSnapshot } from './jobSteps';

export {
  applyJobEvent,
  jobEventTypes,
  jobSteps,
  newJob,
  type JobDates,
  type JobEvent,
  type JobEventType,
  type JobSnapshot,
  type JobStep,
  type Refusal,
} from './jobSteps';

export interface JobLifecycleInput {
  jobId: number;
  jobNumber: string;
  /** the state the database holds when the workflow starts */
  snapshot: JobSnapshot;
}

export const advanceUpdate = defineUpdate<JobSnapshot, [JobEvent]>('advance');
export const jobStatusQuery = defineQuery<JobSnapshot>('status');

export const jobWorkflowId = (jobNumber: string) => `job-${jobNumber}`;

export const jobLifecycleWorkflowType = 'jobLifecycleWorkflow';
export type JobLifecycleWorkflow = (input: JobLifecycleInput) => Promise<JobSnapshot>;
