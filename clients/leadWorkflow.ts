import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Knex } from 'knex';
import { leadsWithoutDecision } from '../db/leads';
import { normalizePlate } from '../lib/plates';
import { leadWorkflowId, leadWorkflowType, type LeadWorkflow } from '../workflows/lead.contract';
import { locationKey, plateKey } from '../workflows/searchAttributes.contract';
import { startMissingWorkflows, type WorkflowDeps } from './temporal';

/**
 * Starts a lead's D3 workflow. Starting it again is harmless: a running one
 * is kept (USE_EXISTING), and a lead whose workflow already ended is never
 * started afresh (REJECT_DUPLICATE), so its decision stands.
 */
export async function startLeadWorkflow(
  deps: WorkflowDeps,
  lead: { id: number; plate: string; locationSlug: string },
): Promise<void> {
  await deps.temporal.workflow.start<LeadWorkflow>(leadWorkflowType, {
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

/** At worker start: every New lead has its workflow. Answers how many were started. */
export async function ensureLeadWorkflows(db: Knex, deps: WorkflowDeps): Promise<number> {
  const leads = await leadsWithoutDecision(db);
  const start = (lead: (typeof leads)[number]) =>
    startLeadWorkflow(deps, lead).catch((error: unknown) => {
      // Its workflow ended already: the lead's decision stands (the row is only behind).
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    });
  return startMissingWorkflows(deps.temporal, leadWorkflowType, leads, (lead) => leadWorkflowId(lead.id), start);
}
