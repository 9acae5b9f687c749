import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { normalizePlate } from '../lib/plates';
import {
  acceptUpdate,
  appointmentDeletedSignal,
  cancelByCustomerUpdate,
  leadWorkflowId,
  leadWorkflowType,
  rejectUpdate,
  type AcceptInput,
  type LeadWorkflow,
  type RejectInput,
} from '../workflows/lead.contract';
import { locationKey, plateKey } from '../workflows/searchAttributes.contract';
import { workflowStarted, type WorkflowDeps } from './temporal';

/**
 * Starts a lead's D3 workflow. Starting it again is harmless: a running one
 * is kept (USE_EXISTING), and a lead whose workflow already ended is never
 * started afresh (REJECT_DUPLICATE), so its decision stands.
 */
export async function startLeadWorkflow(
  deps: WorkflowDeps,
  lead: { id: number; plate: string; locationSlug: string },
): Promise<void> {
  try {
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
  } catch (error) {
    // Its workflow ended already: the lead's decision stands (the row is only behind).
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await workflowStarted(deps, 'lead', lead.id);
}

/** A refused Update: the lead was decided by someone else first. */
const refused = (error: unknown) => error instanceof WorkflowUpdateFailedError;

/** Sends a decision Update to the lead's workflow; answers false when the workflow refused it (the lead was decided meanwhile). */
async function decide(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (!refused(error)) throw error;
    return false;
  }
}

/** M2 "Create appointment": the lead is accepted with its appointment (false: it was decided meanwhile). */
export function acceptLead(deps: WorkflowDeps, leadId: number, input: AcceptInput): Promise<boolean> {
  return decide(() => deps.temporal.workflow.getHandle(leadWorkflowId(leadId)).executeUpdate(acceptUpdate, { args: [input] }));
}

/** M2 "Reject": the lead is rejected and its queued message goes out (false: it was decided meanwhile). */
export function rejectLeadDecision(deps: WorkflowDeps, leadId: number, input: RejectInput): Promise<boolean> {
  return decide(() => deps.temporal.workflow.getHandle(leadWorkflowId(leadId)).executeUpdate(rejectUpdate, { args: [input] }));
}

/** M3: the customer's cancel link (false: the lead was decided meanwhile). */
export function cancelLeadByCustomer(deps: WorkflowDeps, leadId: number): Promise<boolean> {
  return decide(() => deps.temporal.workflow.getHandle(leadWorkflowId(leadId)).executeUpdate(cancelByCustomerUpdate));
}

/** M3: the lead's appointment was deleted. Answers false when the workflow is over already (its appointment was over). */
export async function leadAppointmentDeleted(deps: WorkflowDeps, leadId: number, staffId: number | null): Promise<boolean> {
  try {
    await deps.temporal.workflow.getHandle(leadWorkflowId(leadId)).signal(appointmentDeletedSignal, { staffId });
    return true;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    return false;
  }
}
