import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { AppointmentRow } from '../../db/appointments';
import { findLocation } from '../../db/locations';
import { queueMessage, smsEnabled } from '../../db/messages';
import { companyText } from '../../db/templates';
import { renderTemplate, templateValues } from '../../lib/templates';
import type { Channel } from '../../lib/messaging';
import { messageWorkflowId, messageWorkflowType, type MessageWorkflow } from '../../workflows/message.contract';

export interface ConfirmationDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  /** an SMS provider is configured (SMS_PROVIDER is not 'none') */
  smsAvailable: boolean;
}

/**
 * M9: the channels a company's appointment confirmations can go by, as a
 * function of the appointment; the company's SMS setting is read once, so an
 * overview of many appointments asks for it once.
 */
export async function confirmationChannelsOf(deps: ConfirmationDeps, companyId: number): Promise<(appointment: AppointmentRow) => Channel[]> {
  const sms = deps.smsAvailable && (await smsEnabled(deps.db, companyId));
  return (appointment) => [...(appointment.email ? ['email' as const] : []), ...(sms && appointment.phone ? ['sms' as const] : [])];
}

/** M9: the channels an appointment's confirmation can go by. */
export async function confirmationChannels(deps: ConfirmationDeps, appointment: AppointmentRow): Promise<Channel[]> {
  return (await confirmationChannelsOf(deps, appointment.company_id))(appointment);
}

/**
 * M9: the appointment confirmation from the template of its channel, in the
 * customer's language, written to the outbox and delivered by its own
 * durable workflow (retried while the mail server or SMS gateway is down).
 * Each press sends one more: a customer may ask for it again.
 */
export async function sendAppointmentConfirmation(deps: ConfirmationDeps, appointment: AppointmentRow, channel: Channel): Promise<void> {
  const location = (await findLocation(deps.db, appointment.location_id))!;
  const template = await companyText(deps.db, appointment.company_id, 'appointment_confirmation', channel, appointment.language);
  const { subject, text } = renderTemplate(
    template,
    templateValues({
      language: appointment.language,
      customer: { firstName: appointment.first_name, lastName: appointment.last_name },
      location: { name: location.name, phone: location.phone, timeZone: appointment.time_zone },
      plate: appointment.plate,
      startsAt: appointment.starts_at,
      services: appointment.services,
    }),
  );
  const key = `appointment-${appointment.id}:confirmation:${randomUUID()}`;
  await queueMessage(deps.db, {
    idempotencyKey: key,
    channel,
    kind: 'appointment_confirmation',
    recipient: channel === 'sms' ? appointment.phone : appointment.email,
    subject,
    body: text,
    appointmentId: appointment.id,
    customerId: appointment.customer_id ?? undefined,
  });
  await deps.temporal.workflow.start<MessageWorkflow>(messageWorkflowType, {
    workflowId: messageWorkflowId(key),
    taskQueue: deps.taskQueue,
    args: [key],
  });
}
