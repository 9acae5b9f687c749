import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { leadsWithoutDecision } from '../db/leads';
import { leadWorkflow, leadWorkflowId } from '../workflows/lead';
import { locationKey, plateKey } from '../workflows/searchAttributes';
import { normalizePlate } from './plates';

export interface LeadWorkflowDeps {
  temporal: Client;
  taskQueue: string;
}

/**
 * Starts a lead's D3 workflow. Starting it again is harmless: a running one
 * is kept (USE_EXISTING), and a lead whose workflow already ended is never
 * started afresh (REJECT_DUPLICATE), so its decision stands.
 */
export async function startLeadWorkflow(
  deps: LeadWorkflowDeps,
  lead: { id: number; plate: string; locationSlug: string },
): Promise<void> {
  await deps.temporal.workflow.start(leadWorkflow, {
    workflowId: leadWorkflowId(lead.id),
    taskQueue: deps.taskQueue,
    args: [{ leadId: lead.id }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: plateKey, value: normalizePlate(lead.plate) },
      { key: locationKey, value: lead.locationSlug },
    ],
  });
}

/**
 * At worker start: every New lead has its workflow (leads written by an
 * import or the demo seed, or whose start was lost). Answers how many were started or
 * found running.
 */
export async function ensureLeadWorkflows(db: Knex, deps: LeadWorkflowDeps): Promise<number> {
  let ensured = 0;
  for (const lead of await leadsWithoutDecision(db)) {
    try {
      await startLeadWorkflow(deps, lead);
      ensured++;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  return ensured;
}
