import { ActivityFailure, isCancellation, patched, proxyActivities } from '@temporalio/workflow';
import type { createMessagingActivities } from '../activities/messaging';
import { messageDeliveryRetry } from './message.contract';

const messages = proxyActivities<ReturnType<typeof createMessagingActivities>>({
  startToCloseTimeout: '1 minute',
  retry: messageDeliveryRetry,
});

/** Marking a message failed is retried until the database answers. */
const outbox = proxyActivities<ReturnType<typeof createMessagingActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

/** Added after the first runs: those ended failed and left the outbox row as it was. */
export const giveUpPatch = 'message-give-up-marks-failed';

/**
 * Runs the delivery of one outbox message. When it fails for good (the
 * retries ran out, or it was refused) the outbox row is marked failed, so
 * staff see the message did not arrive, and the workflow still fails.
 */
export async function deliverOrGiveUp(idempotencyKey: string, deliver: () => Promise<void>): Promise<void> {
  try {
    await deliver();
  } catch (error) {
    if (!isCancellation(error) && patched(giveUpPatch)) {
      const reason =
        error instanceof ActivityFailure && error.retryState === 'MAXIMUM_ATTEMPTS_REACHED'
          ? `not delivered after ${messageDeliveryRetry.maximumAttempts} attempts`
          : error instanceof ActivityFailure && error.cause
            ? error.cause.message
            : String(error);
      await outbox.giveUpOnMessage(idempotencyKey, reason);
    }
    throw error;
  }
}

/** Delivers one message of the outbox (deliverMessage), marking it failed when that fails for good. */
export function deliverQueuedMessage(idempotencyKey: string): Promise<void> {
  return deliverOrGiveUp(idempotencyKey, () => messages.deliverMessage(idempotencyKey));
}
