/**
 * One message to a customer from the outbox, as senders see it:
 * workflows/message.ts is the workflow, workflows/retry.ts its delivery.
 */
import type { RetryPolicy } from '@temporalio/common';

export const messageWorkflowId = (idempotencyKey: string) => `message-${idempotencyKey}`;

/**
 * How a message to a customer is retried while the mail server or gateway is
 * down: spaced out (never a burst), for a few hours, and never for what can
 * not succeed (no provider for the channel, refused for good, not in the outbox).
 */
export const messageDeliveryRetry = {
  initialInterval: '5 seconds',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
  maximumAttempts: 20,
  nonRetryableErrorTypes: ['ChannelUnavailable', 'MessageRejected', 'MessageNotFound'],
} satisfies RetryPolicy;

export const messageWorkflowType = 'messageWorkflow';
export type MessageWorkflow = (idempotencyKey: string) => Promise<void>;
