/**
 * W5: what the messaging providers tell us by webhook, as pure functions:
 * the signature checks and the payloads read into our own shapes (web/webhooks
 * stores them). Two providers:
 *
 * - WhatsApp Cloud API (Meta): every POST is signed `X-Hub-Signature-256:
 *   sha256=<hex HMAC-SHA256 of the raw body, key = the app secret>`; the body
 *   is `{object, entry: [{changes: [{field: 'messages', value: {metadata,
 *   contacts, messages: [...], statuses: [...]}}]}]}`.
 * - Our JSON SMS gateway (lib/messaging/sms.ts sends to it): `X-Timestamp:
 *   <unix seconds>` and `X-Signature: sha256=<hex HMAC-SHA256 of
 *   "<X-Timestamp>.<raw body>", key = SMS_WEBHOOK_SECRET>`; the body is one
 *   event or `{events: [...]}`, an event being
 *   `{type: 'inbound', id, from, to, text, receivedAt}` or
 *   `{type: 'status', id, reference, status, at, error}`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { normalizePhone } from './phones';

export type WebhookChannel = 'sms' | 'whatsapp';

/** A message a customer sent us. */
export interface InboundMessage {
  channel: WebhookChannel;
  /** the provider's id: the same message delivered twice is stored once */
  providerMessageId: string;
  /** the customer's number, E.164 */
  from: string;
  /** which of our numbers it was sent to: the Cloud API's phone number id, the SMS number (E.164); '' when not told */
  to: string;
  /** the text; a message that is not text reads as a placeholder such as "[image]" (with its caption) */
  body: string;
  receivedAt: Date;
}

/** A provider's report on one of our messages. */
export interface StatusReport {
  channel: WebhookChannel;
  providerMessageId?: string;
  /** our outbox key, where the provider echoes it */
  reference?: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  error?: string;
}

export interface WebhookEvents {
  inbound: InboundMessage[];
  statuses: StatusReport[];
}

/** Hex HMAC-SHA256 of `data` with `secret`. */
export const hmacSha256Hex = (secret: string, data: Buffer | string): string => createHmac('sha256', secret).update(data).digest('hex');

/** Whether `header` is `sha256=<the expected hex>`, compared in constant time. */
function matchesSignature(header: string | undefined, expectedHex: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec((header ?? '').trim());
  if (!match) return false;
  const given = Buffer.from(match[1]!.toLowerCase(), 'hex');
  const expected = Buffer.from(expectedHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The X-Hub-Signature-256 value of a body (what Meta sends; the dev reply form signs with it too). */
export const whatsappSignature = (rawBody: Buffer | string, appSecret: string): string => `sha256=${hmacSha256Hex(appSecret, rawBody)}`;

/** Whether a Cloud API webhook's X-Hub-Signature-256 is that of its raw body with the app secret. */
export function verifyWhatsappSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  return matchesSignature(header, hmacSha256Hex(appSecret, rawBody));
}

/** How old an SMS webhook may be: an older one (a replay) is refused. */
export const smsWebhookMaxAgeMs = 5 * 60 * 1000;

/** The X-Signature of an SMS webhook sent at `timestamp` (unix seconds). */
export const smsSignature = (rawBody: Buffer | string, secret: string, timestamp: number | string): string =>
  `sha256=${hmacSha256Hex(secret, Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(rawBody)]))}`;

/**
 * An SMS webhook's signature and age: 'ok', 'badSignature' (missing, malformed
 * or not ours) or 'stale' (signed more than 5 minutes from `now`, either way).
 */
export function verifySmsSignature(
  rawBody: Buffer,
  headers: { signature?: string; timestamp?: string },
  secret: string,
  now = Date.now(),
): 'ok' | 'badSignature' | 'stale' {
  const timestamp = (headers.timestamp ?? '').trim();
  if (!/^[0-9]{1,12}$/.test(timestamp)) return 'badSignature';
  if (!matchesSignature(headers.signature, smsSignature(rawBody, secret, timestamp).slice('sha256='.length))) return 'badSignature';
  return Math.abs(now - Number(timestamp) * 1000) > smsWebhookMaxAgeMs ? 'stale' : 'ok';
}

// ---------------------------------------------------------------------------
// Payloads. Unknown or incomplete entries are skipped, never guessed at.

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** A unix time in seconds (as Meta sends it), or an ISO instant; `fallback` when it is neither. */
function instant(value: unknown, fallback: Date): Date {
  const raw = text(value);
  const date = /^[0-9]{1,12}$/.test(raw) ? new Date(Number(raw) * 1000) : raw ? new Date(raw) : fallback;
  return Number.isNaN(date.getTime()) ? fallback : date;
}

const reportedStatuses = ['sent', 'delivered', 'read', 'failed'] as const;
const isReported = (value: string): value is StatusReport['status'] => (reportedStatuses as readonly string[]).includes(value);

/** "[image] the caption": what a message that is not text reads as on the timeline. */
function whatsappBody(message: Json): string {
  const type = text(message.type) || 'unknown';
  const part = isObject(message[type]) ? (message[type] as Json) : {};
  switch (type) {
    case 'text':
      return text(part.body);
    case 'button':
      return text(part.text) || '[button]';
    case 'interactive': {
      const reply = isObject(part.button_reply) ? part.button_reply : isObject(part.list_reply) ? part.list_reply : {};
      return text((reply as Json).title) || '[interactive]';
    }
    case 'reaction':
      return `[reaction] ${text(part.emoji)}`.trim();
    case 'location':
      return `[location] ${[text(part.name), text(part.address), part.latitude !== undefined ? `${text(part.latitude)},${text(part.longitude)}` : ''].filter(Boolean).join(' ')}`.trim();
    default: {
      const caption = text(part.caption) || text(part.filename);
      return caption ? `[${type}] ${caption}` : `[${type}]`;
    }
  }
}

/** The messages and status reports of a Cloud API webhook (`now`: when a timestamp is missing). */
export function parseWhatsappWebhook(payload: unknown, now = new Date()): WebhookEvents {
  const events: WebhookEvents = { inbound: [], statuses: [] };
  if (!isObject(payload)) return events;
  for (const entry of objects(payload.entry)) {
    for (const change of objects(entry.changes)) {
      const value = isObject(change.value) ? change.value : {};
      const to = text(isObject(value.metadata) ? value.metadata.phone_number_id : '');
      for (const message of objects(value.messages)) {
        const id = text(message.id);
        const from = normalizePhone(`+${text(message.from).replace(/^\+/, '')}`);
        if (!id || !from) continue;
        events.inbound.push({ channel: 'whatsapp', providerMessageId: id, from, to, body: whatsappBody(message), receivedAt: instant(message.timestamp, now) });
      }
      for (const status of objects(value.statuses)) {
        const reported = text(status.status);
        const id = text(status.id);
        const reference = text(status.biz_opaque_callback_data);
        if (!isReported(reported) || (!id && !reference)) continue;
        const error = objects(status.errors)
          .map((e) => [text(e.code), text(e.title) || text(e.message), text(isObject(e.error_data) ? e.error_data.details : '')].filter(Boolean).join(' '))
          .join('; ');
        events.statuses.push({
          channel: 'whatsapp',
          ...(id && { providerMessageId: id }),
          ...(reference && { reference }),
          status: reported,
          at: instant(status.timestamp, now),
          ...(error && { error }),
        });
      }
    }
  }
  return events;
}

/** The events of an SMS gateway webhook: one event, or `{events: [...]}`. */
export function parseSmsWebhook(payload: unknown, now = new Date()): WebhookEvents {
  const events: WebhookEvents = { inbound: [], statuses: [] };
  const list = isObject(payload) && Array.isArray(payload.events) ? objects(payload.events) : isObject(payload) ? [payload] : [];
  for (const event of list) {
    const id = text(event.id);
    if (event.type === 'inbound') {
      const from = normalizePhone(text(event.from));
      if (!id || !from) continue;
      events.inbound.push({
        channel: 'sms',
        providerMessageId: id,
        from,
        to: normalizePhone(text(event.to)),
        body: text(event.text),
        receivedAt: instant(event.receivedAt, now),
      });
    } else if (event.type === 'status') {
      const reported = text(event.status);
      const reference = text(event.reference);
      if (!isReported(reported) || (!id && !reference)) continue;
      const error = text(event.error);
      events.statuses.push({
        channel: 'sms',
        ...(id && { providerMessageId: id }),
        ...(reference && { reference }),
        status: reported,
        at: instant(event.at, now),
        ...(error && { error }),
      });
    }
  }
  return events;
}
