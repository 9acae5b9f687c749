import { randomUUID } from 'node:crypto';
import { smsSignature, whatsappSignature } from '../../lib/webhooks';
import { receiveSmsWebhook, receiveWhatsappWebhook, type WebhookAnswer, type WebhookDeps } from './service';

/**
 * The development providers' side of the webhooks (WHATSAPP_PROVIDER /
 * SMS_PROVIDER = dev): what the Cloud API or the SMS gateway would post when
 * the customer answers or a message is delivered, signed with the configured
 * secret and handed to the real webhook handler, so the dev stack's
 * conversation works end to end through the same code as production.
 */

/** A Cloud API webhook body with one change. */
const cloudApiWebhook = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: 'dev-waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '', phone_number_id: '' }, ...value } }] }],
});

async function postWhatsapp(deps: WebhookDeps, payload: unknown): Promise<WebhookAnswer> {
  const raw = Buffer.from(JSON.stringify(payload));
  return receiveWhatsappWebhook(deps, raw, whatsappSignature(raw, deps.config.WHATSAPP_APP_SECRET ?? ''));
}

async function postSms(deps: WebhookDeps, payload: unknown): Promise<WebhookAnswer> {
  const raw = Buffer.from(JSON.stringify(payload));
  const timestamp = Math.floor(Date.now() / 1000);
  return receiveSmsWebhook(deps, raw, { signature: smsSignature(raw, deps.config.SMS_WEBHOOK_SECRET ?? '', timestamp), timestamp: String(timestamp) });
}

/** The customer at `from` (E.164) answers by WhatsApp. */
export function devWhatsappReply(deps: WebhookDeps, from: string, text: string): Promise<WebhookAnswer> {
  const seconds = String(Math.floor(Date.now() / 1000));
  return postWhatsapp(
    deps,
    cloudApiWebhook({
      contacts: [{ profile: { name: '' }, wa_id: from.replace(/^\+/, '') }],
      messages: [{ from: from.replace(/^\+/, ''), id: `wamid.dev-${randomUUID()}`, timestamp: seconds, type: 'text', text: { body: text } }],
    }),
  );
}

/** WhatsApp reports our message `reference` (the outbox key) delivered or read. */
export function devWhatsappStatus(deps: WebhookDeps, reference: string, providerMessageId: string, status: 'delivered' | 'read'): Promise<WebhookAnswer> {
  return postWhatsapp(
    deps,
    cloudApiWebhook({
      statuses: [{ id: providerMessageId, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: '', biz_opaque_callback_data: reference }],
    }),
  );
}

/** The customer at `from` answers by SMS. */
export function devSmsReply(deps: WebhookDeps, from: string, text: string): Promise<WebhookAnswer> {
  return postSms(deps, { type: 'inbound', id: `dev-in-${randomUUID()}`, from, to: '', text, receivedAt: new Date().toISOString() });
}
