/**
 * One message to a customer (e-mail or SMS), already written to the outbox
 * (db/messages.ts queueMessage): delivered once, a mail server or SMS
 * gateway that is down retried, spaced out as the invitation e-mail is. A
 * message refused for good (bad number, provider said no, no SMS provider)
 * ends the workflow at once, failed, with the reason in the outbox row.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createMessagingActivities } from '../activities/messaging';
import { messageDeliveryRetry } from './retry';

export const messageWorkflowId = (idempotencyKey: string) => `message-${idempotencyKey}`;

const messages = proxyActivities<ReturnType<typeof createMessagingActivities>>({
  startToCloseTimeout: '1 minute',
  retry: messageDeliveryRetry,
});

export async function messageWorkflow(idempotencyKey: string): Promise<void> {
  await messages.deliverMessage(idempotencyKey);
}
