/**
 * W4/W5/W6: a customer's conversations (one per channel: sms, whatsapp), what
 * the customer wrote (inbound_messages), and the backchannel comments on a
 * card (appointment_comments). What the board reads of them:
 * - unread: last_inbound_at > coalesce(read_at, '-infinity');
 * - waiting for an answer: last_inbound_at > coalesce(last_outbound_at, '-infinity');
 * - the WhatsApp window: lib/conversationWindow.ts over last_inbound_at.
 * Internal actions (comments, colours, moves) never touch these columns.
 * Every change a card shows records a board change in its transaction.
 */
import type { Knex } from 'knex';
import type { InboundMessage } from '../lib/webhooks';
import { recordBoardChange, type BoardChange } from './boardEvents';
import { lockKeys, matchOrCreateCustomer } from './customers';

export type ConversationChannel = 'sms' | 'whatsapp';

export interface Conversation {
  id: number;
  company_id: number;
  customer_id: number;
  channel: ConversationChannel;
  address: string;
  last_inbound_at: Date | null;
  last_outbound_at: Date | null;
  read_at: Date | null;
  read_by: number | null;
}

type Db = Knex | Knex.Transaction;

export async function findConversation(db: Db, id: number): Promise<Conversation | undefined> {
  return db<Conversation>('conversations').where({ id }).first();
}

/** The customer's conversations, by channel. */
export async function customerConversations(db: Db, customerId: number): Promise<Partial<Record<ConversationChannel, Conversation>>> {
  const rows = await db<Conversation>('conversations').where({ customer_id: customerId });
  return Object.fromEntries(rows.map((row) => [row.channel, row]));
}

/**
 * The cards of a customer that a board may show: their visits that are not
 * estimates nor cancelled, unless their job was picked up before today.
 */
export async function customerCardIds(db: Db, customerId: number): Promise<number[]> {
  return db('appointments as a')
    .leftJoin('jobs as j', 'j.id', 'a.job_id')
    .where('a.customer_id', customerId)
    .whereNot('a.kind', 'estimate')
    .whereNot('a.status', 'cancelled')
    .where((q) => q.whereNull('j.step').orWhereNot('j.step', 'picked_up').orWhere('a.starts_at', '>=', db.raw(`now() - interval '1 day'`)))
    .orderBy('a.id')
    .pluck('a.id');
}

async function recordCustomerCardsChange(trx: Db, customerId: number, change: BoardChange, staffId?: number | null): Promise<void> {
  for (const id of await customerCardIds(trx, customerId)) await recordBoardChange(trx as Knex, id, change, { staffId });
}

/**
 * The conversation of a customer on a channel, created when missing; its
 * address follows the number last used. Answers its id.
 */
async function upsertConversation(trx: Db, c: { companyId: number; customerId: number; channel: ConversationChannel; address: string }): Promise<number> {
  const [row] = await trx('conversations')
    .insert({ company_id: c.companyId, customer_id: c.customerId, channel: c.channel, address: c.address })
    .onConflict(['customer_id', 'channel'])
    .merge({ address: c.address })
    .returning('id');
  return row.id;
}

/** The customer's conversation on a channel as it stands; created at `address` when missing (an existing one keeps its number). */
export async function ensureConversation(
  db: Db,
  c: { companyId: number; customerId: number; channel: ConversationChannel; address: string },
): Promise<Conversation> {
  await db('conversations')
    .insert({ company_id: c.companyId, customer_id: c.customerId, channel: c.channel, address: c.address })
    .onConflict(['customer_id', 'channel'])
    .ignore();
  return (await db<Conversation>('conversations').where({ customer_id: c.customerId, channel: c.channel }).first())!;
}

/**
 * W1: we wrote to the customer (the reminder): their conversation on that
 * channel exists, so the reply lands in it. Answers the conversation's id.
 */
export async function openConversation(
  trx: Db,
  c: { companyId: number; customerId: number; channel: ConversationChannel; address: string },
): Promise<number> {
  const id = await upsertConversation(trx, c);
  await trx('conversations').where({ id }).update({ last_outbound_at: trx.raw(`greatest(last_outbound_at, now())`) });
  return id;
}

/**
 * Who wrote to us from `message.from`, in this order:
 * 1. the customer we (or the conversation) last wrote to at that number;
 * 2. the customer master's phone rule (db/customers.ts), in the company that
 *    owns the number the message went to (if there is only one company,
 *    that one), else a new customer there.
 * Undefined when no company can be told.
 */
async function inboundCustomer(trx: Knex.Transaction, message: InboundMessage): Promise<{ companyId: number; customerId: number } | undefined> {
  const owner = await numberOwner(trx, message);
  const { rows } = await trx.raw(
    `select c.id as customer_id, c.company_id
       from (
         (select coalesce(m.customer_id, a.customer_id, j.customer_id) as customer_id, m.created_at as at
            from sent_messages m
            left join appointments a on a.id = m.appointment_id
            left join jobs j on j.id = m.job_id
           where m.recipient_e164 = :from and m.channel <> 'email'
           order by m.id desc limit 5)
         union all
         (select customer_id, greatest(last_inbound_at, last_outbound_at, created_at) as at
            from conversations where channel = :channel and address = :from)
       ) w
       join customers c on c.id = w.customer_id and not c.is_cash_sale
      where (cast(:owner as integer) is null or c.company_id = :owner)
      order by w.at desc nulls last
      limit 1`,
    { from: message.from, channel: message.channel, owner: owner ?? null },
  );
  if (rows[0]) return { companyId: rows[0].company_id, customerId: rows[0].customer_id };
  const companyId = owner ?? (await companyByCustomerPhone(trx, message.from));
  if (companyId === undefined) return undefined;
  const { id } = await matchOrCreateCustomer(trx, companyId, { first_name: '', last_name: '', email: '', phone: message.from });
  return { companyId, customerId: id };
}

/** The company whose number the message went to; the only company when there is one. */
async function numberOwner(trx: Db, message: InboundMessage): Promise<number | undefined> {
  if (message.to) {
    const column = message.channel === 'whatsapp' ? 'whatsapp_phone_number_id' : 'sms_number';
    const owner = await trx('companies').where(column, message.to).first('id');
    if (owner) return owner.id;
  }
  const companies = await trx('companies').orderBy('id').limit(2).pluck('id');
  return companies.length === 1 ? companies[0] : undefined;
}

/** Several companies and a number none owns: the company of the oldest customer with that phone. */
async function companyByCustomerPhone(trx: Db, phone: string): Promise<number | undefined> {
  const row = await trx('customers').where({ phone_normalized: phone, is_cash_sale: false }).orderBy('id').first('company_id');
  return row?.company_id;
}

export interface StoredInbound {
  inboundId: number;
  conversationId: number;
  customerId: number;
  companyId: number;
  channel: ConversationChannel;
  receivedAt: Date;
  /** the same provider message was stored before (a webhook delivered twice) */
  duplicate: boolean;
}

/**
 * W5: stores what a customer wrote, once per provider message id: finds the
 * customer (inboundCustomer), their conversation on the channel (created when
 * missing), moves its last_inbound_at forward and makes it unread (waiting follows),
 * and records a 'message' board change on each of the customer's cards, all
 * in one transaction. A message delivered again answers the stored one.
 * Undefined when nobody can be told to have received it.
 */
export async function recordInboundMessage(db: Knex, message: InboundMessage): Promise<StoredInbound | undefined> {
  return db.transaction(async (trx) => {
    await lockKeys(trx, [`inbound:${message.channel}:${message.providerMessageId}`]);
    const existing = await trx('inbound_messages')
      .where({ channel: message.channel, provider_message_id: message.providerMessageId })
      .first('id', 'conversation_id', 'customer_id', 'company_id', 'received_at');
    if (existing) {
      return {
        inboundId: existing.id,
        conversationId: existing.conversation_id,
        customerId: existing.customer_id,
        companyId: existing.company_id,
        channel: message.channel,
        receivedAt: existing.received_at,
        duplicate: true,
      };
    }
    const customer = await inboundCustomer(trx, message);
    if (!customer) return undefined;
    const conversationId = await upsertConversation(trx, { ...customer, channel: message.channel, address: message.from });
    const [inbound] = await trx('inbound_messages')
      .insert({
        company_id: customer.companyId,
        customer_id: customer.customerId,
        conversation_id: conversationId,
        channel: message.channel,
        sender: message.from,
        body: message.body,
        provider_message_id: message.providerMessageId,
        received_at: message.receivedAt,
      })
      .returning('id');
    // The window follows the provider's time of the message; unread follows its arrival: staff have not seen a
    // message that came after they opened the conversation, whatever its (whole-second, or delayed) timestamp.
    await trx('conversations')
      .where({ id: conversationId })
      .update({ last_inbound_at: trx.raw(`greatest(last_inbound_at, ?::timestamptz)`, [message.receivedAt]), read_at: null, read_by: null });
    await recordCustomerCardsChange(trx, customer.customerId, 'message');
    return { inboundId: inbound.id, conversationId, customerId: customer.customerId, companyId: customer.companyId, channel: message.channel, receivedAt: message.receivedAt, duplicate: false };
  });
}

/**
 * A staff reply was queued in the conversation (sent_messages row `key`): it
 * belongs to the conversation, which was answered then (waiting ends), and
 * the customer's cards show it. Idempotent (the workflow's activity may run twice).
 */
export async function recordReply(db: Knex, conversationId: number, key: string): Promise<void> {
  await db.transaction(async (trx) => {
    const conversation = await trx('conversations').where({ id: conversationId }).forUpdate().first('id', 'customer_id');
    if (!conversation) return;
    const [message] = await trx('sent_messages')
      .where({ idempotency_key: key })
      .update({ conversation_id: conversationId })
      .returning('created_at');
    if (!message) return;
    await trx('conversations')
      .where({ id: conversationId })
      .update({ last_outbound_at: trx.raw(`greatest(last_outbound_at, ?::timestamptz)`, [message.created_at]) });
    await recordCustomerCardsChange(trx, conversation.customer_id, 'message');
  });
}

/**
 * W5: staff opened the customer's conversation: what the customer wrote is
 * read (by whom, when), and their cards lose the red line. Changes nothing
 * (and records nothing) when there was nothing unread. Answers whether it did.
 */
export async function markConversationsRead(db: Knex, customerId: number, staffId: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    const read = await trx('conversations')
      .where({ customer_id: customerId })
      .whereNotNull('last_inbound_at')
      .whereRaw(`last_inbound_at > coalesce(read_at, '-infinity')`)
      .update({ read_at: trx.fn.now(), read_by: staffId })
      .returning('id');
    if (read.length === 0) return false;
    await recordCustomerCardsChange(trx, customerId, 'read', staffId);
    return true;
  });
}

// ---------------------------------------------------------------------------
// W6 backchannel: internal comments on a card, never sent to the customer.

export interface AppointmentComment {
  id: number;
  body: string;
  created_at: Date;
  staff_name: string | null;
}

export async function appointmentComments(db: Db, appointmentId: number): Promise<AppointmentComment[]> {
  return db('appointment_comments as c')
    .leftJoin('staff_users as s', 's.id', 'c.staff_id')
    .where('c.appointment_id', appointmentId)
    .orderBy('c.id')
    .select('c.id', 'c.body', 'c.created_at', 's.name as staff_name');
}

/** Adds a comment and records a 'comment' board change (the card's note icon), in one transaction. */
export async function addAppointmentComment(db: Knex, appointmentId: number, staffId: number, body: string): Promise<number> {
  return db.transaction(async (trx) => {
    const [row] = await trx('appointment_comments').insert({ appointment_id: appointmentId, staff_id: staffId, body }).returning('id');
    await recordBoardChange(trx, appointmentId, 'comment', { staffId });
    return row.id;
  });
}

// ---------------------------------------------------------------------------
// The conversation page (W4): the card's appointment, its customer and vehicle.

export interface ConversationCard {
  id: number;
  company_id: number;
  location_id: number;
  kind: string;
  status: string;
  starts_at: Date;
  work_description: string;
  job_id: number | null;
  job_number: string | null;
  job_step: string | null;
  customer_id: number | null;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  phone_normalized: string;
  customer_number: string | null;
  language: string;
  plate: string | null;
  vin: string | null;
  make: string | null;
  model: string | null;
  location_name: string;
  location_phone: string;
  time_zone: string;
  whatsapp_enabled: boolean;
  sms_enabled: boolean;
}

/** The appointment of a card with what its conversation page shows, within the staff member's company. */
export async function findConversationCard(db: Db, companyId: number, appointmentId: number): Promise<ConversationCard | undefined> {
  return db('appointments as a')
    .join('locations as l', 'l.id', 'a.location_id')
    .join('companies as co', 'co.id', 'a.company_id')
    .leftJoin('customers as c', 'c.id', 'a.customer_id')
    .leftJoin('vehicles as v', 'v.id', 'a.vehicle_id')
    .leftJoin('jobs as j', 'j.id', 'a.job_id')
    .where({ 'a.id': appointmentId, 'a.company_id': companyId })
    .first(
      'a.id',
      'a.company_id',
      'a.location_id',
      'a.kind',
      'a.status',
      'a.starts_at',
      'a.work_description',
      'a.job_id',
      'j.job_number',
      'j.step as job_step',
      'a.customer_id',
      db.raw(`coalesce(nullif(c.first_name, ''), a.first_name) as first_name`),
      db.raw(`coalesce(nullif(c.last_name, ''), a.last_name) as last_name`),
      db.raw(`coalesce(nullif(c.email, ''), a.email) as email`),
      db.raw(`coalesce(nullif(c.phone, ''), a.phone) as phone`),
      db.raw(`coalesce(c.phone_normalized, '') as phone_normalized`),
      'c.customer_number',
      db.raw(`coalesce(nullif(a.language, ''), c.language, 'en') as language`),
      db.raw(`coalesce(v.plate, nullif(a.walk_in_plate, '')) as plate`),
      'v.vin',
      'v.make',
      'v.model',
      'l.name as location_name',
      'l.phone as location_phone',
      'l.time_zone',
      'co.whatsapp_enabled',
      'co.sms_enabled',
    );
}
