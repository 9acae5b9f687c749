import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { hashToken } from '../../lib/tokens';
import {
  createAppointmentFromLead,
  duplicateCandidates,
  findCustomerByNumber,
  LeadAlreadyDecidedError,
  withdrawAppointment,
  type CreatedAppointment,
  type CustomerChoice,
  type LeadForAppointment,
} from '../../db/appointments';
import { deleteLead, findLeadByCancelTokenHash, findLeadSummary, insertLead, recordLeadStatus, type LeadSummary } from '../../db/leads';
import { findLocation, type Location } from '../../db/locations';
import { discardMessage, queueMessage } from '../../db/messages';
import type { Channel } from '../../lib/messaging';
import { startCheckinWorkflow } from '../../clients/checkinWorkflow';
import { acceptLead, cancelLeadByCustomer, leadAppointmentDeleted, rejectLeadDecision, startLeadWorkflow } from '../../clients/leadWorkflow';
import type { ServiceRequest } from './portal/form';

/**
 * The lead feature's one service (M1-M3, M7, M8): what the portal's service
 * request form, the customer's cancel link and the staff pages (reject,
 * create appointment) do; their routes only parse, call one of these and render.
 */

export interface LeadDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
}

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
  // Refused when the lead was decided a moment earlier: the page shows how it stands.
  if (lead.status === 'new') await cancelLeadByCustomer(deps, lead.id);
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
  let decided: boolean;
  try {
    decided = await rejectLeadDecision(deps, lead.id, { staffId: message.staffId, messageKey });
  } catch (error) {
    await discardMessage(deps.db, messageKey);
    throw error;
  }
  if (!decided) {
    await discardMessage(deps.db, messageKey);
    throw new LeadAlreadyDecidedError(`lead ${lead.id} was decided meanwhile`);
  }
}

/** What the lead's D3 workflow must hear from appointments (M2, M3). */
export interface LeadEvents {
  appointmentCreated(leadId: number, appointmentId: number, staffId: number): Promise<void>;
  appointmentDeleted(leadId: number, staffId: number | null): Promise<void>;
}

/** How appointments reach the lead workflows (M2 accept, M3 deletion). */
export function leadEvents(deps: LeadDeps): LeadEvents {
  return {
    async appointmentCreated(leadId, appointmentId, staffId) {
      if (!(await acceptLead(deps, leadId, { appointmentId, staffId }))) throw new LeadAlreadyDecidedError(`lead ${leadId} was decided meanwhile`);
    },
    async appointmentDeleted(leadId, staffId) {
      if (await leadAppointmentDeleted(deps, leadId, staffId)) return;
      // The workflow ended when the appointment was over: the database is all there is left.
      await recordLeadStatus(deps.db, { leadId, from: 'planned', to: 'cancelled', staffId, note: '' });
    },
  };
}

/** The create-appointment dialog's day start for the lead's desired time window. */
const windowStart = { morning: '08:00', afternoon: '13:00', any: '08:00' } as const;

/** What the M2 "Create appointment" dialog shows of a lead: its location, the customer its number names (M7), or the duplicates to choose from. */
export async function leadAppointmentDialog(db: Knex, lead: LeadForAppointment) {
  const location = (await findLocation(db, lead.location_id))!;
  const known = lead.customer_number ? await findCustomerByNumber(db, lead.company_id, lead.customer_number) : undefined;
  const candidates = known ? [] : await duplicateCandidates(db, lead.company_id, lead);
  return {
    location,
    known,
    unknownNumber: lead.customer_number && !known ? lead.customer_number : '',
    candidates,
    /** the form's first values: the desired day at the start of its window, one hour */
    defaults: {
      starts: `${lead.desired_date}T${windowStart[lead.time_window]}`,
      duration: '60',
      notes: '',
      customer: candidates[0] ? String(candidates[0].id) : '',
    },
  };
}

/** The dialog's answer, as parsed from the form. */
export interface LeadAppointmentRequest {
  /** which customer the appointment is for (M7): the one the lead's number names, a candidate with the lead's or its own data, a new one, cash sale */
  choice: 'existing' | 'lead_data' | 'master_data' | 'new_customer' | 'cash_sale';
  /** the candidate chosen, for lead_data and master_data */
  customer?: number;
  /** local date and time at the lead's location (datetime-local) */
  starts: string;
  /** minutes */
  duration: number;
  notes: string;
  staffId: number;
}

export type LeadAppointmentOutcome =
  | { status: 'created'; appointment: CreatedAppointment }
  /** field errors (translation keys under appointments.errors / errors) */
  | { status: 'invalid'; errors: Record<string, string> }
  /** the lead was decided meanwhile (the customer cancelled, a colleague rejected or planned it): no appointment */
  | { status: 'decided' };

/**
 * M2 "Create appointment" (with the M7 customer choice and the M8 vehicle
 * check of db/appointments.ts): writes the appointment under a row lock on
 * the lead, then the lead's workflow accepts it; if the workflow refuses
 * (decided a moment earlier) the appointment is taken back. An accepted one
 * gets its check-in workflow (D2).
 */
export async function createLeadAppointment(deps: LeadDeps, lead: LeadForAppointment, request: LeadAppointmentRequest): Promise<LeadAppointmentOutcome> {
  const { db } = deps;
  const errors: Record<string, string> = {};
  let choice: CustomerChoice | undefined;
  if (request.choice === 'existing') {
    const known = lead.customer_number ? await findCustomerByNumber(db, lead.company_id, lead.customer_number) : undefined;
    if (known) choice = { kind: 'existing', customerId: known.id };
    else errors.choice = 'choice';
  } else if (request.choice === 'lead_data' || request.choice === 'master_data') {
    if (request.customer) choice = { kind: request.choice, customerId: request.customer };
    else errors.customer = 'chooseCandidate';
  } else {
    choice = { kind: request.choice };
  }
  const location = (await findLocation(db, lead.location_id))!;
  const start = DateTime.fromISO(request.starts, { zone: location.time_zone });
  if (!start.isValid) errors.starts = 'dateTime';
  if (Object.keys(errors).length > 0 || !choice) return { status: 'invalid', errors };
  try {
    const created = await createAppointmentFromLead(db, lead.id, choice.kind === 'existing' ? { kind: 'master_data', customerId: choice.customerId } : choice, {
      startsAt: start.toJSDate(),
      endsAt: start.plus({ minutes: request.duration }).toJSDate(),
      notes: request.notes,
      staffId: request.staffId,
    });
    try {
      await leadEvents(deps).appointmentCreated(lead.id, created.id, request.staffId);
    } catch (error) {
      // The lead's workflow decided otherwise (the customer cancelled, a colleague rejected): no appointment.
      await withdrawAppointment(db, created.id);
      throw error;
    }
    // D2: from now on the customer hears about the check-in at its moments.
    await startCheckinWorkflow(deps, created.id);
    return { status: 'created', appointment: created };
  } catch (error) {
    if (!(error instanceof LeadAlreadyDecidedError)) throw error;
    return { status: 'decided' };
  }
}
