/**
 * D3 lead (M1-M3), as the lead pages, the database read model and the
 * worker see it: workflows/lead.ts is the workflow.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export type LeadStatus = 'new' | 'planned' | 'rejected' | 'cancelled' | 'cancelled_by_customer';

export interface LeadInput {
  leadId: number;
}

export interface LeadState {
  status: LeadStatus;
  /** the acknowledgement e-mail went out */
  acknowledged: boolean;
  appointmentId: number | null;
}

export interface AcceptInput {
  appointmentId: number;
  staffId: number;
}
export interface RejectInput {
  staffId: number;
  /** the rejection staff wrote, queued in the outbox (db/messages.ts) under this key */
  messageKey: string;
}

/** M2 "Create appointment": answers the new status, or is refused when the lead was decided meanwhile. */
export const acceptUpdate = defineUpdate<LeadStatus, [AcceptInput]>('accept');
/** M2 "Reject": the lead becomes Rejected and the queued message goes out. */
export const rejectUpdate = defineUpdate<LeadStatus, [RejectInput]>('reject');
/** M3: the customer's cancel link. */
export const cancelByCustomerUpdate = defineUpdate<LeadStatus, []>('cancelByCustomer');
/** M3: the lead's appointment was deleted. */
export const appointmentDeletedSignal = defineSignal<[{ staffId: number | null }]>('appointmentDeleted');
export const leadStateQuery = defineQuery<LeadState>('state');

export const leadWorkflowId = (leadId: number) => `lead-${leadId}`;

export const leadWorkflowType = 'leadWorkflow';
export type LeadWorkflow = (input: LeadInput) => Promise<LeadStatus>;
