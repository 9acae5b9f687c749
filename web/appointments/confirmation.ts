import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { queueAppointmentConfirmation } from '../../db/appointmentConfirmations';
import type { AppointmentRow } from '../../db/appointments';
import { smsEnabled } from '../../db/messages';
import type { Channel } from '../../lib/messaging';
import { messageWorkflowId, messageWorkflowType, type MessageWorkflow } from '../../workflows/message.contract';

export interface ConfirmationDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  /** an SMS provider is configured (SMS_PROVIDER is not 'none') */
  smsAvailable: boolean;
  /** B1: the confirmation's link and .ics are worded in the customer's language */
  i18n: i18n;
  publicUrl: string;
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
 * customer's language, with the customer's own move/cancel link and (e-mail)
 * the .ics (B1), written to the outbox and delivered by its own durable
 * workflow (retried while the mail server or SMS gateway is down). Each
 * press sends one more: a customer may ask for it again.
 */
export async function sendAppointmentConfirmation(deps: ConfirmationDeps, appointment: AppointmentRow, channel: Channel): Promise<void> {
  await sendVisitConfirmation(deps, appointment.id, channel, `appointment-${appointment.id}:confirmation:${randomUUID()}`);
}

/**
 * One appointment confirmation under the outbox key `key` (a second call with
 * the same key sends nothing more): the M9 button, and the confirmation of a
 * move the customer made on their own link (B1, with the new .ics).
 */
export async function sendVisitConfirmation(
  deps: Pick<ConfirmationDeps, 'db' | 'i18n' | 'temporal' | 'taskQueue' | 'publicUrl'>,
  appointmentId: number,
  channel: Channel,
  key: string,
): Promise<void> {
  if (!(await queueAppointmentConfirmation(deps.db, deps.i18n, { appointmentId, channel, idempotencyKey: key, publicUrl: deps.publicUrl }))) return;
  await deps.temporal.workflow.start<MessageWorkflow>(messageWorkflowType, {
    workflowId: messageWorkflowId(key),
    taskQueue: deps.taskQueue,
    args: [key],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
