import { timingSafeEqual } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { notifyInbound } from '../../clients/conversationWorkflow';
import { findConversation, recordInboundMessage } from '../../db/conversations';
import { applyDeliveryStatus } from '../../db/messages';
import type { Config } from '../../lib/config';
import type { Logger } from '../../lib/logger';
import { parseSmsWebhook, parseWhatsappWebhook, verifySmsSignature, verifyWhatsappSignature, type WebhookEvents } from '../../lib/webhooks';

export interface WebhookDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  config: Pick<Config, 'WHATSAPP_APP_SECRET' | 'WHATSAPP_VERIFY_TOKEN' | 'SMS_WEBHOOK_SECRET'>;
  log: Pick<Logger, 'info' | 'warn'>;
}

/** What a webhook is answered: providers read the status (2xx: taken; anything else: sent again later). */
export interface WebhookAnswer {
  status: number;
  body: string;
}

const answer = (status: number, body = ''): WebhookAnswer => ({ status, body });

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * The Cloud API's verification: Meta GETs hub.mode=subscribe, our verify
 * token and a challenge, which we echo. Anything else: 403.
 */
export function whatsappVerification(deps: Pick<WebhookDeps, 'config'>, query: Record<string, unknown>): WebhookAnswer {
  const token = deps.config.WHATSAPP_VERIFY_TOKEN;
  const given = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (!token || query['hub.mode'] !== 'subscribe' || typeof given !== 'string' || typeof challenge !== 'string' || !sameText(given, token)) {
    return answer(403);
  }
  return answer(200, challenge);
}

const readJson = (raw: Buffer): unknown => {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
};

/**
 * W5: a Cloud API webhook. Refused (401, nothing stored) unless
 * X-Hub-Signature-256 is the HMAC of the raw body with the app secret;
 * otherwise its messages and status reports are stored (handleEvents).
 */
export async function receiveWhatsappWebhook(deps: WebhookDeps, raw: Buffer, signature: string | undefined): Promise<WebhookAnswer> {
  const secret = deps.config.WHATSAPP_APP_SECRET;
  if (!secret || !verifyWhatsappSignature(raw, signature, secret)) {
    deps.log.warn({ signed: !!signature }, 'WhatsApp webhook refused: bad signature');
    return answer(401);
  }
  const payload = readJson(raw);
  if (payload === undefined) return answer(400);
  await handleEvents(deps, parseWhatsappWebhook(payload));
  return answer(200);
}

/**
 * W5: an SMS gateway webhook. Refused (401, nothing stored) unless
 * X-Signature is the HMAC of "<X-Timestamp>.<raw body>" with
 * SMS_WEBHOOK_SECRET and the timestamp is within 5 minutes.
 */
export async function receiveSmsWebhook(deps: WebhookDeps, raw: Buffer, headers: { signature?: string; timestamp?: string }): Promise<WebhookAnswer> {
  const secret = deps.config.SMS_WEBHOOK_SECRET;
  if (!secret) return answer(404);
  const verdict = verifySmsSignature(raw, headers, secret);
  if (verdict !== 'ok') {
    deps.log.warn({ verdict }, 'SMS webhook refused');
    return answer(401);
  }
  const payload = readJson(raw);
  if (payload === undefined) return answer(400);
  await handleEvents(deps, parseSmsWebhook(payload));
  return answer(200);
}

/**
 * Stores each inbound message once and tells its conversation's workflow
 * (again, for a message delivered twice: the first signal may be what
 * failed); applies each status report (never backwards). A failure throws:
 * the provider sends the webhook again and nothing is stored twice.
 */
async function handleEvents(deps: WebhookDeps, events: WebhookEvents): Promise<void> {
  for (const message of events.inbound) {
    const stored = await recordInboundMessage(deps.db, message);
    if (!stored) {
      deps.log.warn({ channel: message.channel, to: message.to }, 'inbound message for no known company: not stored');
      continue;
    }
    const conversation = await findConversation(deps.db, stored.conversationId);
    if (conversation) {
      await notifyInbound(deps, conversation, { inboundMessageId: stored.inboundId, receivedAt: new Date(stored.receivedAt).toISOString() });
    }
    deps.log.info({ inbound: stored.inboundId, conversation: stored.conversationId, duplicate: stored.duplicate }, 'inbound message');
  }
  for (const status of events.statuses) {
    const changed = await applyDeliveryStatus(deps.db, status);
    deps.log.info({ channel: status.channel, status: status.status, changed }, 'delivery status');
  }
}
