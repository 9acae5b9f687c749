import type { Knex } from 'knex';
import type { Channel } from '../lib/messaging';
import type { MessageStatus } from './messages';

/** A message the workshop sent to the customer (any channel, any purpose). */
export interface LoggedMessage {
  type: 'message';
  id: number;
  at: Date;
  channel: Channel;
  kind: string;
  recipient: string;
  subject: string;
  body: string | null;
  status: MessageStatus;
  error: string | null;
  appointment_id: number | null;
  lead_id: number | null;
  job_id: number | null;
}

/** Something the customer changed or told us themselves (check-in page: contact data, preferred channel...). */
export interface LoggedCustomerEvent {
  type: 'event';
  id: number;
  at: Date;
  kind: string;
  details: Record<string, unknown>;
  appointment_id: number | null;
}

export type CustomerLogEntry = LoggedMessage | LoggedCustomerEvent;

/**
 * A customer's communication log, newest first: every message sent to them
 * (by customer, or through one of their appointments, the requests those
 * came from, their jobs, or the bookings of those jobs: the booking link) and every change they made (customer_events).
 */
export async function customerLog(db: Knex, customerId: number, limit = 500): Promise<CustomerLogEntry[]> {
  const messages: Omit<LoggedMessage, 'type'>[] = await db('sent_messages as m')
    .where('m.customer_id', customerId)
    .orWhereIn('m.appointment_id', db('appointments').where({ customer_id: customerId }).select('id'))
    .orWhereIn('m.lead_id', db('appointments').where({ customer_id: customerId }).whereNotNull('lead_id').select('lead_id'))
    .orWhereIn('m.job_id', db('jobs').where({ customer_id: customerId }).select('id'))
    .orWhereIn('m.booking_id', db('bookings').whereIn('job_id', db('jobs').where({ customer_id: customerId }).select('id')).select('id'))
    .orderBy([{ column: 'm.created_at', order: 'desc' }, { column: 'm.id', order: 'desc' }])
    .limit(limit)
    .select(
      'm.id', 'm.created_at as at', 'm.channel', 'm.kind', 'm.recipient', 'm.subject', 'm.body', 'm.status', 'm.error',
      'm.appointment_id', 'm.lead_id', 'm.job_id',
    );
  const events: Omit<LoggedCustomerEvent, 'type'>[] = await db('customer_events')
    .where({ customer_id: customerId })
    .orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(limit)
    .select('id', 'at', 'kind', 'details', 'appointment_id');
  return [
    ...messages.map((message) => ({ type: 'message' as const, ...message })),
    ...events.map((event) => ({ type: 'event' as const, ...event })),
  ]
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, limit);
}

export interface LogCustomer {
  id: number;
  customer_number: string | null;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  preferred_channel: 'email' | 'sms';
}

/** The customer whose log is shown, within the staff member's company (not the shared cash-sale customer). */
export async function findLogCustomer(db: Knex, companyId: number, id: number): Promise<LogCustomer | undefined> {
  return db('customers')
    .where({ id, company_id: companyId, is_cash_sale: false })
    .first('id', 'customer_number', 'first_name', 'last_name', 'email', 'phone', 'preferred_channel');
}
