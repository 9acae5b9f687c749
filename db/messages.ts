import type { Knex } from 'knex';
import type { Channel, TemplateMessage } from '../lib/messaging';

export interface OutboxEntry {
  idempotencyKey: string;
  channel: 'email';
  kind: string;
  recipient: string;
  subject: string;
  bookingId?: string;
  jobId?: number;
  customerId?: number;
}

/**
 * Claims the right to send one message. Answers false when a message with
 * this key was already sent, so a retried activity sends nothing twice.
 */
export async function claimMessage(db: Knex, entry: OutboxEntry): Promise<boolean> {
  await db('sent_messages')
    .insert({
      idempotency_key: entry.idempotencyKey,
      channel: entry.channel,
      kind: entry.kind,
      recipient: entry.recipient,
      subject: entry.subject,
      booking_id: entry.bookingId ?? null,
      job_id: entry.jobId ?? null,
      customer_id: entry.customerId ?? null,
    })
    .onConflict('idempotency_key')
    .ignore();
  const row = await db('sent_messages').where({ idempotency_key: entry.idempotencyKey }).first('status');
  return row.status !== 'sent';
}

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

/** Writes a message to go out; a second call with the same key changes nothing. */
export async function queueMessage(db: Knex, message: QueuedMessage): Promise<void> {
  await db('sent_messages')
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
    })
    .onConflict('idempotency_key')
    .ignore();
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

// ---------------------------------------------------------------------------
// The development providers' outboxes (sms_outbox, whatsapp_outbox).

/** Inserts a row unless one with its reference exists (a retried send); answers the row's id either way. */
async function storeOnce(db: Knex, table: 'sms_outbox' | 'whatsapp_outbox', row: { reference: string | null } & Record<string, unknown>): Promise<number> {
  const [inserted] = await db(table).insert(row).onConflict('reference').ignore().returning('id');
  if (inserted) return inserted.id;
  const existing = await db(table).where({ reference: row.reference }).first('id');
  return existing.id;
}

export interface OutboxSms {
  id: number;
  recipient: string;
  sender: string;
  body: string;
  reference: string | null;
  created_at: Date;
}

/** Stores one SMS; the same reference twice stores it once. Answers its id. */
export async function storeOutboxSms(db: Knex, sms: { recipient: string; sender: string; body: string; reference?: string }): Promise<number> {
  return storeOnce(db, 'sms_outbox', { recipient: sms.recipient, sender: sms.sender, body: sms.body, reference: sms.reference ?? null });
}

/** Newest first. */
export async function listOutboxSms(db: Knex, limit = 100): Promise<OutboxSms[]> {
  return db<OutboxSms>('sms_outbox').orderBy('id', 'desc').limit(limit);
}

// ---------------------------------------------------------------------------
// WhatsApp: the development provider's outbox.

export interface OutboxWhatsapp {
  id: number;
  recipient: string;
  template_name: string;
  language: string;
  parameters: string[];
  body: string;
  reference: string | null;
  created_at: Date;
}

/** Stores one WhatsApp message; the same reference twice stores it once. Answers its id. */
export async function storeOutboxWhatsapp(
  db: Knex,
  message: { recipient: string; templateName: string; language: string; parameters: string[]; body: string; reference?: string },
): Promise<number> {
  return storeOnce(db, 'whatsapp_outbox', {
    recipient: message.recipient,
    template_name: message.templateName,
    language: message.language,
    parameters: JSON.stringify(message.parameters),
    body: message.body,
    reference: message.reference ?? null,
  });
}

/** Newest first. */
export async function listOutboxWhatsapp(db: Knex, limit = 100): Promise<OutboxWhatsapp[]> {
  return db<OutboxWhatsapp>('whatsapp_outbox').orderBy('id', 'desc').limit(limit);
}
