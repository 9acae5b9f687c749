/**
 * The one interface every workflow uses to tell a customer something. A
 * channel is a Sender; lib/messaging/index.ts chooses the implementations
 * from the configuration.
 */
export type Channel = 'email' | 'sms' | 'whatsapp';

/**
 * A WhatsApp template message: WhatsApp delivers a message the business
 * starts only as a template approved beforehand (its name and language),
 * filled with parameters in the template's order ({{1}}, {{2}}...).
 */
export interface TemplateMessage {
  name: string;
  /** WhatsApp's language code of the approved translation: 'en', 'nl', 'fr', 'de' */
  language: string;
  parameters: string[];
}

export interface OutgoingMessage {
  to: string;
  /** '' for SMS and WhatsApp */
  subject: string;
  /** what the customer reads; for WhatsApp the template's text as filled in, kept for the log */
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** WhatsApp only, required there unless `session`: what the provider actually sends */
  template?: TemplateMessage;
  /**
   * WhatsApp only: a free-text (session) message, sent as the text itself.
   * WhatsApp delivers one only within 24 hours of the customer's last
   * message; the conversation workflow (workflows/conversation.ts) keeps
   * that rule, the sender does not check it.
   */
  session?: boolean;
  /** e-mail only: an iCalendar file (B1), attached as invite.ics (text/calendar) */
  calendar?: string;
}

export interface Sender {
  readonly channel: Channel;
  send(message: OutgoingMessage): Promise<{ providerMessageId: string }>;
}

export interface Messaging {
  email: Sender;
  /** undefined when SMS_PROVIDER=none */
  sms?: Sender;
  /** undefined when WHATSAPP_PROVIDER=none */
  whatsapp?: Sender;
}

/** A permanent failure (not a phone number, the provider refused it): retrying cannot help. */
export class MessageRejectedError extends Error {
  override name = 'MessageRejectedError';
}

/**
 * The outbox key of a message, passed as a header: e-mail carries it, the
 * SMS providers use it as their reference so a resent request is recognised.
 */
export const messageReferenceHeader = 'X-Message-Reference';

/** The outbox key a message was sent with, if any. */
export const referenceOf = (message: OutgoingMessage): string | undefined => message.headers?.[messageReferenceHeader];

/**
 * Where the development providers keep what they would have sent (SMS_PROVIDER /
 * WHATSAPP_PROVIDER = outbox): the caller passes it in (db/devMessages.ts),
 * so lib/messaging does not depend on the database layer. The same reference
 * twice stores one message; each call answers the stored message's id.
 */
export interface DevMessageStore {
  storeSms(sms: { recipient: string; sender: string; body: string; reference?: string }): Promise<number>;
  /** a free-text (session) message has no template: templateName and language null, no parameters */
  storeWhatsapp(message: { recipient: string; templateName: string | null; language: string | null; parameters: string[]; body: string; reference?: string }): Promise<number>;
}
