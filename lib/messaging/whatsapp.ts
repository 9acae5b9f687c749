import { postJson } from './http';
import { toE164 } from './phone';
import { MessageRejectedError, referenceOf, type DevMessageStore, type OutgoingMessage, type Sender, type TemplateMessage } from './sender';

export interface WhatsappSettings {
  /** for national numbers such as 0470 12 34 56 (SMS_DEFAULT_COUNTRY_CODE) */
  defaultCountryCode: string;
}

/**
 * The template a WhatsApp message is sent as, checked as the Cloud API
 * checks it: a business may start a conversation only with an approved
 * template, and a parameter may not be empty nor hold a line break, a tab
 * or more than four spaces in a row. What fails here would fail there too.
 */
function checkedTemplate(message: OutgoingMessage): TemplateMessage {
  const { template } = message;
  if (!template) {
    throw new MessageRejectedError('a WhatsApp message needs an approved template (name, language, parameters), or must be a free-text session message within the customer service window');
  }
  if (!/^[a-z0-9_]{1,512}$/.test(template.name)) throw new MessageRejectedError(`"${template.name}" is not a WhatsApp template name`);
  if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(template.language)) throw new MessageRejectedError(`"${template.language}" is not a WhatsApp language code`);
  template.parameters.forEach((parameter, index) => {
    if (parameter.trim() === '' || /[\n\t]| {5}/.test(parameter)) {
      throw new MessageRejectedError(`template ${template.name} parameter {{${index + 1}}} is empty or has a line break, tab or more than four spaces`);
    }
  });
  return template;
}

/** WhatsApp's limit for the body of a text message. */
export const whatsappTextMaxLength = 4096;

/** A free-text (session) message's text, checked as the Cloud API checks it. */
function checkedSessionText(message: OutgoingMessage): string {
  const text = message.text.trim();
  if (text === '') throw new MessageRejectedError('a WhatsApp text message may not be empty');
  if (text.length > whatsappTextMaxLength) throw new MessageRejectedError(`a WhatsApp text message holds at most ${whatsappTextMaxLength} characters`);
  return text;
}

/**
 * Development provider: the message is stored (dev_whatsapp_messages) and
 * nothing leaves the machine (staff read it at /staff/messages/dev-whatsapp).
 * A free-text (session) message is stored without template.
 */
export function createDevWhatsappSender(store: DevMessageStore, settings: WhatsappSettings): Sender {
  return {
    channel: 'whatsapp',
    async send(message) {
      if (message.session) {
        const id = await store.storeWhatsapp({
          recipient: toE164(message.to, settings.defaultCountryCode),
          templateName: null,
          language: null,
          parameters: [],
          body: checkedSessionText(message),
          reference: referenceOf(message),
        });
        return { providerMessageId: `dev-${id}` };
      }
      const template = checkedTemplate(message);
      const id = await store.storeWhatsapp({
        recipient: toE164(message.to, settings.defaultCountryCode),
        templateName: template.name,
        language: template.language,
        parameters: template.parameters,
        body: message.text,
        reference: referenceOf(message),
      });
      return { providerMessageId: `dev-${id}` };
    },
  };
}

export interface CloudApiSettings extends WhatsappSettings {
  /** the messages endpoint of the business phone number: https://graph.facebook.com/v21.0/<phone-number-id>/messages */
  url: string;
  /** a system user's access token */
  token: string;
  timeoutMs: number;
}

/**
 * Graph API error codes that come with a 400 but pass: throttling (4, 80007,
 * 130429, 131056 per recipient) and Meta's own trouble (2, 131000, 131016,
 * 133004). Meta advises to decide by these codes, not by the HTTP status.
 */
const retryableGraphErrors = new Set([2, 4, 80007, 130429, 131000, 131016, 131056, 133004]);

const graphErrorCode = (answer: unknown): unknown => (answer as { error?: { code?: unknown } } | undefined)?.error?.code;

/** The request body of one template message, as the Cloud API's /messages endpoint takes it. */
function cloudApiTemplateRequest(to: string, template: TemplateMessage, reference?: string) {
  return {
    messaging_product: 'whatsapp',
    to,
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language },
      ...(template.parameters.length > 0 && {
        components: [{ type: 'body', parameters: template.parameters.map((text) => ({ type: 'text', text })) }],
      }),
    },
    // Returned in the status webhooks: which outbox message a delivery report is about.
    ...(reference && { biz_opaque_callback_data: reference }),
  };
}

/** The request body of one free-text (session) message: `type: 'text'`, links not previewed. */
function cloudApiTextRequest(to: string, text: string, reference?: string) {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'text',
    text: { preview_url: false, body: text },
    ...(reference && { biz_opaque_callback_data: reference }),
  };
}

/**
 * WhatsApp Business Cloud API (Meta): one template (or free-text session) message per POST with
 * the bearer token, the number as E.164 digits without "+", answered with
 * {messages: [{id}]}.
 */
export function createCloudWhatsappSender(settings: CloudApiSettings): Sender {
  const endpoint = { name: 'WhatsApp Cloud API', url: settings.url, token: settings.token, timeoutMs: settings.timeoutMs };
  return {
    channel: 'whatsapp',
    async send(message) {
      const to = toE164(message.to, settings.defaultCountryCode).slice(1);
      const body = message.session
        ? cloudApiTextRequest(to, checkedSessionText(message), referenceOf(message))
        : cloudApiTemplateRequest(to, checkedTemplate(message), referenceOf(message));
      const answer = await postJson(endpoint, body, {
        retryable: (refusal) => retryableGraphErrors.has(graphErrorCode(refusal) as number),
      });
      const id = (answer as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
      return { providerMessageId: typeof id === 'string' ? id : '' };
    },
  };
}
