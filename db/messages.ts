import type { Knex } from 'knex';

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
    .update({ status: 'sent', provider_message_id: providerMessageId, sent_at: db.fn.now() });
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
    .select('id', 'idempotency_key', 'kind', 'recipient', 'subject', 'status', 'created_at', 'sent_at');
}
