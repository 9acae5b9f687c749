/**
 * The workflow-start sweep, as the worker's Schedule (clients/workflowStarts.ts)
 * sees it: workflows/workflowStarts.ts is the workflow, db/workflowStarts.ts the outbox.
 */
import type { WorkflowStartsResult } from '../activities/workflowStarts';

export type { WorkflowStartsResult };

/** A row younger than this is its writer's to start (the web starts the workflow right after its commit). */
export const workflowStartGraceMs = 30_000;

export const workflowStartsWorkflowType = 'workflowStartsWorkflow';
export type WorkflowStartsWorkflow = () => Promise<WorkflowStartsResult>;
