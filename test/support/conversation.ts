import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Location } from '../../db/locations';
import { smsSignature, whatsappSignature } from '../../lib/webhooks';
import { uniqueEmail, uniquePlate } from './fixtures';
import type { Platform } from './platform';

/** A mobile number of its own per call (an inbound message is matched by number). */
export const uniqueMobile = () => `+32470${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;

/**
 * A card of today's board: Marie Peeters' Volvo at `location`, begun half an
 * hour ago (today, or carried over from yesterday just after midnight: on the
 * board either way), her mobile number `phone`; the company sends WhatsApp
 * (W1) unless told.
 */
export async function boardAppointment(db: Knex, location: Pick<Location, 'id' | 'company_id'>, options: { phone?: string; whatsapp?: boolean; sms?: boolean } = {}) {
  const phone = options.phone ?? uniqueMobile();
  await db('companies').where({ id: location.company_id }).update({ whatsapp_enabled: options.whatsapp ?? true, sms_enabled: options.sms ?? true });
  const [customer] = await db('customers')
    .insert({ company_id: location.company_id, first_name: 'Marie', last_name: 'Peeters', email: uniqueEmail('conversation'), phone, phone_normalized: phone })
    .returning('*');
  const plate = uniquePlate();
  const [vehicle] = await db('vehicles')
    .insert({ company_id: location.company_id, customer_id: customer.id, plate, plate_normalized: plate.replace(/[^A-Z0-9]/g, ''), make: 'Volvo', model: 'V60' })
    .returning('id');
  const startsAt = new Date(Date.now() - 30 * 60_000);
  const [appointment] = await db('appointments')
    .insert({
      company_id: location.company_id,
      location_id: location.id,
      kind: 'service',
      status: 'planned',
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + 3_600_000),
      customer_id: customer.id,
      first_name: 'Marie',
      last_name: 'Peeters',
      email: customer.email,
      phone,
      language: 'en',
      vehicle_id: vehicle.id,
      work_description: 'Oil service, air-co check',
    })
    .returning('*');
  return { customer, appointment, plate, phone };
}

/** A Cloud API webhook with one change (Meta's shape). */
export const cloudApiWebhook = (value: Record<string, unknown>, phoneNumberId = '') => ({
  object: 'whatsapp_business_account',
  entry: [{ id: 'waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '', phone_number_id: phoneNumberId }, ...value } }] }],
});

/** One text message from `from` (E.164) as the Cloud API posts it. */
export const whatsappText = (from: string, body: string, id = `wamid.${randomUUID()}`, at = new Date(), phoneNumberId = '') =>
  cloudApiWebhook({ messages: [{ from: from.slice(1), id, timestamp: String(Math.floor(at.getTime() / 1000)), type: 'text', text: { body } }] }, phoneNumberId);

/** POSTs a Cloud API webhook, signed with `secret` (the platform's app secret unless told), as Meta does. */
export function postWhatsappWebhook(platform: Platform, payload: unknown, signature: string | null = whatsappSignature(JSON.stringify(payload), platform.config.WHATSAPP_APP_SECRET!)) {
  return fetch(`${platform.baseUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== null && { 'x-hub-signature-256': signature }) },
    body: JSON.stringify(payload),
  });
}

/** POSTs an SMS gateway webhook signed at `timestamp` (now unless told). */
export function postSmsWebhook(platform: Platform, payload: unknown, timestamp = Math.floor(Date.now() / 1000), secret = platform.config.SMS_WEBHOOK_SECRET!) {
  const body = JSON.stringify(payload);
  return fetch(`${platform.baseUrl}/webhooks/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-timestamp': String(timestamp), 'x-signature': smsSignature(body, secret, timestamp) },
    body,
  });
}
