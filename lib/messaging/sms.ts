import type { Knex } from 'knex';
import { storeOutboxSms } from '../../db/messages';
import { toE164 } from './phone';
import { MessageRejectedError, messageReferenceHeader, type OutgoingMessage, type Sender } from './sender';

export interface SmsSettings {
  /** what the phone shows as sender (SMS_SENDER) */
  sender: string;
  /** for national numbers such as 0470 12 34 56 (SMS_DEFAULT_COUNTRY_CODE) */
  defaultCountryCode: string;
}

const referenceOf = (message: OutgoingMessage) => message.headers?.[messageReferenceHeader];

/**
 * Development provider: the SMS is stored in sms_outbox and nothing leaves
 * the machine (staff read it at /staff/messages/sms-outbox). Numbers are
 * checked as the gateway would, so a bad number fails here too.
 */
export function createOutboxSmsSender(db: Knex, settings: SmsSettings): Sender {
  return {
    channel: 'sms',
    async send(message) {
      const id = await storeOutboxSms(db, {
        recipient: toE164(message.to, settings.defaultCountryCode),
        sender: settings.sender,
        body: message.text,
        reference: referenceOf(message),
      });
      return { providerMessageId: `outbox-${id}` };
    },
  };
}

export interface HttpGatewaySettings extends SmsSettings {
  url: string;
  token: string;
  timeoutMs: number;
}

/**
 * Answers the gateway gives about the request rather than the message: the
 * token or the rate, which fixing or waiting cures. Every other 4xx refuses
 * the message itself.
 */
const retryableClientErrors = new Set([401, 403, 408, 425, 429]);

/**
 * A JSON SMS gateway: POST {from, to, text, reference} with a bearer token,
 * answered with {id} or {messageId}. The shape of most SMS REST APIs (see
 * the README for which fit as they are and how to adapt one that does not).
 */
export function createHttpSmsSender(settings: HttpGatewaySettings): Sender {
  return {
    channel: 'sms',
    async send(message) {
      const to = toE164(message.to, settings.defaultCountryCode);
      let response: Response;
      try {
        response = await fetch(settings.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${settings.token}` },
          body: JSON.stringify({ from: settings.sender, to, text: message.text, reference: referenceOf(message) }),
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (error) {
        const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${settings.timeoutMs} ms` : String((error as Error).cause ?? error);
        throw new Error(`SMS gateway ${new URL(settings.url).host} unreachable: ${reason}`, { cause: error });
      }
      const answer = await readAnswer(response, settings.timeoutMs);
      if (response.ok) return { providerMessageId: providerId(answer) };
      const detail = `SMS gateway answered ${response.status}${answer.text ? `: ${answer.text.slice(0, 300)}` : ''}`;
      if (response.status >= 400 && response.status < 500 && !retryableClientErrors.has(response.status)) {
        throw new MessageRejectedError(detail);
      }
      throw new Error(detail);
    },
  };
}

async function readAnswer(response: Response, timeoutMs: number): Promise<{ text: string; json?: unknown }> {
  // The body shares the request's deadline (fetch's signal covers it), so a stalled body ends too.
  const text = await response.text().catch((error: unknown) => {
    if (response.ok) return ''; // accepted: losing the id must not send the SMS twice
    throw new Error(`SMS gateway answer unreadable after ${timeoutMs} ms`, { cause: error });
  });
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    return { text };
  }
}

/** {id} or {messageId}, as string or number; '' when the gateway names none (the SMS was still accepted). */
function providerId({ json }: { json?: unknown }): string {
  if (!json || typeof json !== 'object') return '';
  const { id, messageId } = json as { id?: unknown; messageId?: unknown };
  const found = id ?? messageId;
  return typeof found === 'string' || typeof found === 'number' ? String(found) : '';
}
