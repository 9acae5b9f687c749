import type { RetryPolicy } from '@temporalio/common';

/**
 * How a message to a customer is retried while the mail server or gateway is
 * down: spaced out (never a burst), for a few hours, and never for what can
 * not succeed (no provider for the channel, refused for good, not in the outbox).
 */
export const messageDeliveryRetry: RetryPolicy = {
  initialInterval: '5 seconds',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
  maximumAttempts: 20,
  nonRetryableErrorTypes: ['ChannelUnavailable', 'MessageRejected', 'MessageNotFound'],
};
