import type { Knex } from 'knex';
import type { Channel, TemplateMessage } from '../lib/messaging';

export async function markMessageSent(db: Knex, idempotencyKey: string, providerMessageId: string): Promise<void> {
  await db('sent_messages')
    .where({ idempotency_key: idempotencyKey })
    .update({ status: 'sent', provider_message_id: providerMessageId, sent_at: db.fn.now(), error: null });
}

export async function messagesForBooking(db: Knex, bookingId: string) {
  return db('sent_messages').where({ booking_id: bookingId }).orderBy('id');
}

/** P7: what was sent to a job's customer, newest first (the job page's "messages sent"). */
export async function messagesForJob(db: Knex, jobId: number, limit = 20) {
  return db('sent_messages')
    .where({ job_id: jobId })
    .orderBy('id', 'desc')
    .limit(limit)
    .select('id', 'idempotency_key', 'kind', 'recipient', 'subject', 'status', 'error', 'created_at', 'sent_at');
}

// ---------------------------------------------------------------------------
// Queued messages (lib/messaging): the text is written first, a workflow
// delivers it (activities/messaging), so what the customer gets is exactly
// what staff saw, and a retry sends the same text.

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed';

export interface QueuedMessage {
  idempotencyKey: string;
  channel: Channel;
  kind: string;
  recipient: string;
  subject: string;
  body: string;
  html?: string;
  /** WhatsApp: the approved template the message goes out as (required there, the database checks it) */
  template?: TemplateMessage;
  /** B1: the .ics an e-mail carries (invite.ics) */
  calendar?: string;
  leadId?: number;
  appointmentId?: number;
  customerId?: number;
  jobId?: number;
  bookingId?: string;
}

export interface SentMessage {
  id: number;
  idempotency_key: string;
  channel: Channel;
  kind: string;
  recipient: string;
  subject: string;
  body: string | null;
  html: string | null;
  template: TemplateMessage | null;
  calendar: string | null;
  status: MessageStatus;
  error: string | null;
  provider_message_id: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/**
 * Writes a message to go out; a second call with the same key changes
 * nothing. Answers whether this call wrote it. A row without text (claimed
 * by the direct sends of earlier versions, whose send then failed) gets this
 * text, so their retries go through the same delivery.
 */
export async function queueMessage(db: Knex, message: QueuedMessage): Promise<boolean> {
  const written = await db('sent_messages')
    .insert({
      idempotency_key: message.idempotencyKey,
      channel: message.channel,
      kind: message.kind,
      recipient: message.recipient,
      subject: message.subject,
      body: message.body,
      html: message.html ?? null,
      // As JSON text: node-postgres would write a JavaScript array inside it as a PostgreSQL array.
      template: message.template ? JSON.stringify(message.template) : null,
      calendar: message.calendar ?? null,
      status: 'queued',
      lead_id: message.leadId ?? null,
      appointment_id: message.appointmentId ?? null,
      customer_id: message.customerId ?? null,
      job_id: message.jobId ?? null,
      booking_id: message.bookingId ?? null,
    })
    .onConflict('idempotency_key')
    .merge(['recipient', 'subject', 'body', 'html'])
    .whereNull('sent_messages.body')
    .whereNot('sent_messages.status', 'sent')
    .returning('id');
  return written.length > 0;
}

/** Takes back a queued message that will not go out (its workflow refused it); one already on its way stays. */
export async function discardMessage(db: Knex, idempotencyKey: string): Promise<void> {
  await db('sent_messages').where({ idempotency_key: idempotencyKey, status: 'queued' }).delete();
}

/** Whether a message with this key was queued already (sent or not). */
export async function messageExists(db: Knex, idempotencyKey: string): Promise<boolean> {
  return (await db('sent_messages').where({ idempotency_key: idempotencyKey }).first('id')) !== undefined;
}

export async function findMessage(db: Knex, idempotencyKey: string): Promise<SentMessage | undefined> {
  return db<SentMessage>('sent_messages').where({ idempotency_key: idempotencyKey }).first();
}

/** A delivery attempt begins; `error` keeps what the last failed attempt met. */
export async function markMessageSending(db: Knex, idempotencyKey: string): Promise<void> {
  await db('sent_messages').where({ idempotency_key: idempotencyKey }).whereIn('status', ['queued', 'sending']).update({ status: 'sending' });
}

/** An attempt failed and will be retried: staff see why it has not arrived yet. */
export async function noteDeliveryError(db: Knex, idempotencyKey: string, error: string): Promise<void> {
  await db('sent_messages').where({ idempotency_key: idempotencyKey }).whereNot({ status: 'sent' }).update({ error });
}

/** Refused for good (bad number, provider said no, channel not configured). */
export async function markMessageFailed(db: Knex, idempotencyKey: string, error: string): Promise<void> {
  await db('sent_messages').where({ idempotency_key: idempotencyKey }).whereNot({ status: 'sent' }).update({ status: 'failed', error });
}

/**
 * Delivery was given up (the retries ran out, or the workflow ended on an
 * error): a message not sent and not yet marked failed becomes failed, with
 * the last error an attempt met, else `reason`. Staff then see it did not
 * arrive instead of "sending" for ever.
 */
export async function giveUpOnMessage(db: Knex, idempotencyKey: string, reason: string): Promise<void> {
  await db('sent_messages')
    .where({ idempotency_key: idempotencyKey })
    .whereNotIn('status', ['sent', 'failed'])
    .update({ status: 'failed', error: db.raw('coalesce(error, ?)', [reason]) });
}

const messageColumns = [
  'id',
  'idempotency_key',
  'channel',
  'kind',
  'recipient',
  'subject',
  'body',
  'template',
  'status',
  'error',
  'provider_message_id',
  'created_at',
  'sent_at',
] as const;

/** What a lead's customer was told (acknowledgement, rejection), oldest first. */
export async function messagesForLead(db: Knex, leadId: number): Promise<SentMessage[]> {
  return db('sent_messages').where({ lead_id: leadId }).orderBy('id').select(messageColumns);
}

/** The confirmations sent for an appointment (M9), oldest first. */
export async function messagesForAppointment(db: Knex, id: number): Promise<SentMessage[]> {
  return db('sent_messages').where({ appointment_id: id }).orderBy('id').select(messageColumns);
}

/** Whether the company sends SMS (M2, M9, C1); a deployment without an SMS provider sends none regardless. */
export async function smsEnabled(db: Knex, companyId: number): Promise<boolean> {
  const company = await db('companies').where({ id: companyId }).first<{ sms_enabled: boolean } | undefined>('sms_enabled');
  return company?.sms_enabled ?? false;
}
