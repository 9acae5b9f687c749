import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import { findMessage, giveUpOnMessage, isAccepted, markMessageFailed, markMessageSending, markMessageSent, noteDeliveryError } from '../../db/messages';
import { MessageRejectedError, messageReferenceHeader, type Messaging } from '../../lib/messaging';

export interface DeliveryDeps {
  db: Knex;
  messaging: Messaging;
}

/**
 * THE delivery of one outbox message (sent_messages), whatever its purpose:
 * 'sent' (or delivered, read) → nothing; channel not configured →
 * ApplicationFailure.nonRetryable(type 'ChannelUnavailable');
 * MessageRejectedError (a bad number or address, the provider refused it, a
 * WhatsApp message without template) → mark 'failed' with the reason,
 * nonRetryable 'MessageRejected'; other errors are thrown (the workflow retries).
 * Marks 'sent' with the provider id.
 *
 * The text is read from the outbox, never passed in: no personal data in
 * workflow history, and a retry sends exactly what was queued. A crash
 * between the provider's answer and the 'sent' mark is the one case that
 * sends twice; the SMS providers get the key as reference for that.
 */
export async function deliverOnce({ db, messaging }: DeliveryDeps, idempotencyKey: string): Promise<void> {
  const message = await findMessage(db, idempotencyKey);
  if (!message) throw ApplicationFailure.nonRetryable(`no message ${idempotencyKey} in the outbox (discarded?)`, 'MessageNotFound');
  if (isAccepted(message.status)) return; // sent, or already reported delivered or read
  if (message.status === 'failed') {
    throw ApplicationFailure.nonRetryable(`message ${idempotencyKey} was refused before: ${message.error}`, 'MessageRejected');
  }
  const sender = messaging[message.channel];
  if (!sender) {
    const reason = `no ${message.channel} provider is configured (${message.channel.toUpperCase()}_PROVIDER=none)`;
    await markMessageFailed(db, idempotencyKey, reason);
    throw ApplicationFailure.nonRetryable(`message ${idempotencyKey}: ${reason}`, 'ChannelUnavailable');
  }
  if (message.body === null) throw ApplicationFailure.nonRetryable(`message ${idempotencyKey} has no text`, 'MessageNotFound');

  await markMessageSending(db, idempotencyKey);
  let providerMessageId: string;
  try {
    ({ providerMessageId } = await sender.send({
      to: message.recipient,
      subject: message.subject,
      text: message.body,
      html: message.html ?? undefined,
      headers: { [messageReferenceHeader]: idempotencyKey },
      template: message.template ?? undefined,
      session: message.session,
      calendar: message.calendar ?? undefined,
    }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof MessageRejectedError) {
      await markMessageFailed(db, idempotencyKey, reason);
      throw ApplicationFailure.nonRetryable(`message ${idempotencyKey} refused: ${reason}`, 'MessageRejected');
    }
    await noteDeliveryError(db, idempotencyKey, reason);
    throw error;
  }
  await markMessageSent(db, idempotencyKey, providerMessageId);
}

export function createMessagingActivities(deps: DeliveryDeps) {
  return {
    /** Sends one queued message once (deliverOnce). */
    async deliverMessage(idempotencyKey: string): Promise<void> {
      await deliverOnce(deps, idempotencyKey);
    },

    /**
     * The workflow gave up on a message (its retries ran out): marked failed
     * with the last error an attempt met (else `reason`), unless it was sent
     * or already refused.
     */
    async giveUpOnMessage(idempotencyKey: string, reason: string): Promise<void> {
      await giveUpOnMessage(deps.db, idempotencyKey, reason);
    },
  };
}
