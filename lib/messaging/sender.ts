/**
 * The one interface every workflow uses to tell a customer something. A
 * channel is a Sender; lib/messaging/index.ts chooses the implementations
 * from the configuration.
 */
export type Channel = 'email' | 'sms';

export interface OutgoingMessage {
  to: string;
  /** '' for SMS */
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface Sender {
  readonly channel: Channel;
  send(message: OutgoingMessage): Promise<{ providerMessageId: string }>;
}

export interface Messaging {
  email: Sender;
  /** undefined when SMS_PROVIDER=none */
  sms?: Sender;
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
