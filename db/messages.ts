import type { Knex } from 'knex';
import type { Channel, TemplateMessage } from '../lib/messaging';
import { normalizePhone } from '../lib/phones';

/**
 * The provider accepted the message. A status webhook may have been faster
 * (WhatsApp reports by our key, biz_opaque_callback_data): a message already
 * delivered or read stays so, a failed one stays failed.
 */
export async function markMessageSent(db: Knex, idempotencyKey: string, providerMessageId: string): Promise<void> {
  await db('sent_messages')
    .where({ idempotency_key: idempotencyKey })
    .update({
      status: db.raw(`case when status in ('delivered', 'read', 'failed') then status else 'sent' end`),
      provider_message_id: providerMessageId,
      sent_at: db.raw('coalesce(sent_at, now())'),
      error: db.raw(`case when status = 'failed' then error end`),
    });
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
    .select('id', 'idempotency_key', 'kind', 'recipient', 'subject', 'status', 'status_updated_at', 'error', 'created_at', 'sent_at');
}

// ---------------------------------------------------------------------------
// Queued messages (lib/messaging): the text is written first, a workflow
// delivers it (activities/messaging), so what the customer gets is exactly
// what staff saw, and a retry sends the same text.

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** The statuses of a message the provider took: nothing to send any more. */
export const acceptedStatuses = ['sent', 'delivered', 'read'] as const satisfies readonly MessageStatus[];
export const isAccepted = (status: MessageStatus): boolean => (acceptedStatuses as readonly string[]).includes(status);

/**
 * The order a message's status only moves forward in: queued < sending <
 * sent < delivered < read; failed is final. A status report never moves a
 * message backwards (a late "sent" after "delivered" changes nothing).
 */
export const statusRank: Record<MessageStatus, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

/** The same order in SQL, over the column `status`. */
const statusRankSql = `case status ${Object.entries(statusRank).map(([status, rank]) => `when '${status}' then ${rank}`).join(' ')} end`;

/** What a provider's status webhook reports about one of our messages. */
export type DeliveryReport = 'sent' | 'delivered' | 'read' | 'failed';

export interface DeliveryStatusUpdate {
  channel: 'sms' | 'whatsapp';
  /** the provider's id of the message (the answer to our send) */
  providerMessageId?: string;
  /** our outbox key, where the provider echoes it (WhatsApp biz_opaque_callback_data, the SMS gateway's reference) */
  reference?: string;
  status: DeliveryReport;
  at: Date;
  /** why it failed, as the provider says */
  error?: string;
}

/**
 * W5: a provider's status report, in ONE conditional UPDATE: applied only
 * when it moves the message forward (statusRank), so callbacks that arrive
 * out of order or twice never take a message back, and a failed message
 * stays failed. Answers whether it changed the message (false: unknown
 * message, or not forward).
 */
export async function applyDeliveryStatus(db: Knex, update: DeliveryStatusUpdate): Promise<boolean> {
  if (!update.providerMessageId && !update.reference) return false;
  const { rowCount } = await db.raw(
    `update sent_messages
        set status = :status,
            status_updated_at = :at,
            sent_at = coalesce(sent_at, case when :status <> 'failed' then cast(:at as timestamptz) end),
            error = case when :status = 'failed' then coalesce(:error, error, 'failed') else error end
      where channel = :channel
        and ((:providerId <> '' and provider_message_id = :providerId) or (:reference <> '' and idempotency_key = :reference))
        and status <> 'failed'
        and ${statusRankSql} < :rank`,
    {
      status: update.status,
      at: update.at,
      error: update.error ?? null,
      channel: update.channel,
      providerId: update.providerMessageId ?? '',
      reference: update.reference ?? '',
      rank: statusRank[update.status],
    },
  );
  return (rowCount ?? 0) > 0;
}

export interface QueuedMessage {
  idempotencyKey: string;
  channel: Channel;
  kind: string;
  recipient: string;
  subject: string;
  body: string;
  html?: string;
  /** WhatsApp: the approved template the message goes out as (required there unless `session`, the database checks it) */
  template?: TemplateMessage;
  /** WhatsApp: a free-text (session) message, allowed within the customer's 24-hour window (workflows/conversation.ts) */
  session?: boolean;
  /** the conversation the message belongs to (W4) */
  conversationId?: number;
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
  session: boolean;
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
      session: message.session ?? false,
      // What an inbound message from this number is matched by (db/conversations.ts).
      recipient_e164: message.channel === 'email' ? null : normalizePhone(message.recipient) || null,
      conversation_id: message.conversationId ?? null,
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
    .whereNotIn('sent_messages.status', acceptedStatuses)
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
  await db('sent_messages').where({ idempotency_key: idempotencyKey }).whereNotIn('status', acceptedStatuses).update({ error });
}

/** Refused for good (bad number, provider said no, channel not configured). */
export async function markMessageFailed(db: Knex, idempotencyKey: string, error: string): Promise<void> {
  await db('sent_messages').where({ idempotency_key: idempotencyKey }).whereNotIn('status', acceptedStatuses).update({ status: 'failed', error });
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
    .whereNotIn('status', [...acceptedStatuses, 'failed'])
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
  'session',
  'status',
  'status_updated_at',
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
