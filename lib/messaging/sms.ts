import { postJson } from './http';
import { toE164 } from './phone';
import { referenceOf, type DevMessageStore, type Sender } from './sender';

export interface SmsSettings {
  /** what the phone shows as sender (SMS_SENDER) */
  sender: string;
  /** for national numbers such as 0470 12 34 56 (SMS_DEFAULT_COUNTRY_CODE) */
  defaultCountryCode: string;
}

/**
 * Development provider: the SMS is stored (dev_sms_messages) and nothing leaves
 * the machine (staff read it at /staff/messages/dev-sms). Numbers are
 * checked as the gateway would, so a bad number fails here too.
 */
export function createDevSmsSender(store: DevMessageStore, settings: SmsSettings): Sender {
  return {
    channel: 'sms',
    async send(message) {
      const id = await store.storeSms({
        recipient: toE164(message.to, settings.defaultCountryCode),
        sender: settings.sender,
        body: message.text,
        reference: referenceOf(message),
      });
      return { providerMessageId: `dev-${id}` };
    },
  };
}

export interface HttpGatewaySettings extends SmsSettings {
  url: string;
  token: string;
  timeoutMs: number;
}

/**
 * A JSON SMS gateway: POST {from, to, text, reference} with a bearer token,
 * answered with {id} or {messageId}. The shape of most SMS REST APIs (see
 * the README for which fit as they are and how to adapt one that does not).
 */
export function createHttpSmsSender(settings: HttpGatewaySettings): Sender {
  const endpoint = { name: 'SMS gateway', url: settings.url, token: settings.token, timeoutMs: settings.timeoutMs };
  return {
    channel: 'sms',
    async send(message) {
      const to = toE164(message.to, settings.defaultCountryCode);
      const answer = await postJson(endpoint, { from: settings.sender, to, text: message.text, reference: referenceOf(message) });
      return { providerMessageId: providerId(answer) };
    },
  };
}

/** {id} or {messageId}, as string or number; '' when the gateway names none (the SMS was still accepted). */
function providerId(answer: unknown): string {
  if (!answer || typeof answer !== 'object') return '';
  const { id, messageId } = answer as { id?: unknown; messageId?: unknown };
  const found = id ?? messageId;
  return typeof found === 'string' || typeof found === 'number' ? String(found) : '';
}
