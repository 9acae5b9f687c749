import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { hashToken } from '../../lib/tokens';
import { LeadAlreadyDecidedError } from '../../db/appointments';
import { deleteLead, findLeadByCancelTokenHash, findLeadSummary, insertLead, recordLeadStatus, type LeadSummary } from '../../db/leads';
import type { Location } from '../../db/locations';
import { discardMessage, queueMessage } from '../../db/messages';
import type { Channel } from '../../lib/messaging';
import { startLeadWorkflow } from '../../clients/leadWorkflow';
import {
  acceptUpdate,
  appointmentDeletedSignal,
  cancelByCustomerUpdate,
  leadWorkflowId,
  rejectUpdate,
} from '../../workflows/lead.contract';
import type { LeadEvents } from '../appointments/routes';
import type { ServiceRequest } from './form';

export interface LeadDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
}

/** A refused Update: the lead was decided by someone else first. */
const refused = (error: unknown) => error instanceof WorkflowUpdateFailedError;

/**
 * M1: stores the request as a New lead and starts its D3 workflow, which
 * sends the acknowledgement. If the workflow cannot start, the lead is taken
 * back and the error reaches the customer, who still has the form filled in.
 */
export async function submitServiceRequest(deps: LeadDeps, location: Location, language: string, request: ServiceRequest): Promise<number> {
  const leadId = await insertLead(deps.db, {
    companyId: location.company_id,
    locationId: location.id,
    language,
    desiredDate: request.desiredDate,
    timeWindow: request.timeWindow,
    services: request.services,
    remarks: request.remarks,
    customerNumber: request.customerNumber,
    firstName: request.firstName,
    lastName: request.lastName,
    email: request.email,
    phone: request.phone,
    street: request.street,
    postalCode: request.postalCode,
    city: request.city,
    plate: request.plate,
    vin: request.vin,
    make: request.make,
    model: request.model,
    mileage: request.mileage,
    consentAt: new Date(),
  });
  try {
    await startLeadWorkflow(deps, { id: leadId, plate: request.plate, locationSlug: location.slug });
  } catch (error) {
    await deleteLead(deps.db, leadId);
    throw error;
  }
  return leadId;
}

export async function leadByCancelToken(deps: LeadDeps, token: string): Promise<LeadSummary | undefined> {
  return findLeadByCancelTokenHash(deps.db, hashToken(token));
}

export type CustomerCancelOutcome = { lead: LeadSummary } | undefined;

/** M3: the customer's cancel link. Answers the lead as it stands afterwards, or undefined for an unknown link. */
export async function cancelByCustomer(deps: LeadDeps, token: string): Promise<CustomerCancelOutcome> {
  const lead = await leadByCancelToken(deps, token);
  if (!lead) return undefined;
  if (lead.status === 'new') {
    try {
      await deps.temporal.workflow.getHandle(leadWorkflowId(lead.id)).executeUpdate(cancelByCustomerUpdate);
    } catch (error) {
      if (!refused(error)) throw error;
    }
  }
  return { lead: (await findLeadSummary(deps.db, lead.id))! };
}

/**
 * M2 "Reject": the message staff wrote goes into the outbox first, then the
 * lead's workflow decides; if the lead was decided meanwhile, the message is
 * discarded and never sent.
 */
export async function rejectLead(
  deps: LeadDeps,
  lead: LeadSummary,
  message: { channel: Channel; recipient: string; subject: string; body: string; staffId: number },
): Promise<void> {
  // One key per attempt: a refused attempt's message stays discarded.
  const messageKey = `lead-${lead.id}:rejection:${randomUUID()}`;
  await queueMessage(deps.db, {
    idempotencyKey: messageKey,
    channel: message.channel,
    kind: 'lead_rejection',
    recipient: message.recipient,
    subject: message.subject,
    body: message.body,
    leadId: lead.id,
  });
  try {
    await deps.temporal.workflow
      .getHandle(leadWorkflowId(lead.id))
      .executeUpdate(rejectUpdate, { args: [{ staffId: message.staffId, messageKey }] });
  } catch (error) {
    await discardMessage(deps.db, messageKey);
    if (refused(error)) throw new LeadAlreadyDecidedError(`lead ${lead.id} was decided meanwhile`);
    throw error;
  }
}

/** How appointments reach the lead workflows (M2 accept, M3 deletion). */
export function leadEvents(deps: LeadDeps): LeadEvents {
  return {
    async appointmentCreated(leadId, appointmentId, staffId) {
      try {
        await deps.temporal.workflow
          .getHandle(leadWorkflowId(leadId))
          .executeUpdate(acceptUpdate, { args: [{ appointmentId, staffId }] });
      } catch (error) {
        if (refused(error)) throw new LeadAlreadyDecidedError(`lead ${leadId} was decided meanwhile`);
        throw error;
      }
    },
    async appointmentDeleted(leadId, staffId) {
      try {
        await deps.temporal.workflow.getHandle(leadWorkflowId(leadId)).signal(appointmentDeletedSignal, { staffId });
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        // The workflow ended when the appointment was over: the database is all there is left.
        await recordLeadStatus(deps.db, { leadId, from: 'planned', to: 'cancelled', staffId, note: '' });
      }
    },
  };
}
