/**
 * One message to a customer (e-mail or SMS), already written to the outbox
 * (db/messages.ts queueMessage): delivered once, a mail server or SMS
 * gateway that is down retried, spaced out as the invitation e-mail is. A
 * message refused for good (bad number, provider said no, no SMS provider)
 * ends the workflow at once, failed, with the reason in the outbox row; so
 * does a message whose retries ran out, with the last error it met.
 */
import { deliverQueuedMessage } from './retry';

export async function messageWorkflow(idempotencyKey: string): Promise<void> {
  await deliverQueuedMessage(idempotencyKey);
}
