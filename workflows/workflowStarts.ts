/**
 * The workflow-start sweep: a Temporal Schedule (created by the worker at
 * start, see clients/workflowStarts.ts) runs this every minute. Every lead,
 * appointment and job whose writer could not start its workflow (Temporal
 * was down, the process stopped after its commit, an import or the seed
 * wrote it) gets it from the outbox its trigger filled (db/workflowStarts.ts).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createWorkflowStartActivities, WorkflowStartsResult } from '../activities/workflowStarts';
import { workflowStartGraceMs } from './workflowStarts.contract';

const outbox = proxyActivities<ReturnType<typeof createWorkflowStartActivities>>({
  startToCloseTimeout: '5 minutes',
  // The next run comes in a minute: a few tries, then that one goes on.
  retry: { initialInterval: '5 seconds', maximumInterval: '30 seconds', maximumAttempts: 3 },
});

export async function workflowStartsWorkflow(): Promise<WorkflowStartsResult> {
  return outbox.startOutstandingWorkflows({ graceMs: workflowStartGraceMs });
}
