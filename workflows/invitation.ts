/**
 * P7 invitation: staff send a customer a communication template (portal
 * links for booking a repair, following it, booking an estimate). The web
 * page answers at once; the invitation is written to the outbox
 * (sent_messages) and delivered by the one message delivery (retry.ts
 * deliverQueuedMessage): a mail server that is down is retried, spaced out,
 * the customer gets the e-mail once (or, when the retries run out, staff
 * see it was not delivered).
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import type { createInvitationActivities } from '../activities/mail/invitation';
import { invitationMessageKey, type InvitationInput } from './invitation.contract';
import { messageDeliveryRetry } from './message.contract';
import { deliverOrGiveUp, deliverQueuedMessage } from './retry';

const mail = proxyActivities<ReturnType<typeof createInvitationActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { ...messageDeliveryRetry, nonRetryableErrorTypes: ['JobNotFound', 'NoEmail'] },
});

/** Writing the invitation to the outbox: retried until the database answers, never for a job or address that is not there. */
const outbox = proxyActivities<ReturnType<typeof createInvitationActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['JobNotFound', 'NoEmail'] },
});

/** Added when invitations became outbox messages like every other (queue, then the message delivery). */
export const invitationOutboxPatch = 'invitation-outbox';

export async function invitationWorkflow(input: InvitationInput): Promise<void> {
  if (patched(invitationOutboxPatch)) {
    const key = await outbox.queueInvitationMessage(input);
    await deliverQueuedMessage(key);
  } else {
    // Started before: one activity wrote and sent it (now through the same outbox row and delivery).
    await deliverOrGiveUp(invitationMessageKey(input.invitationId), () => mail.sendInvitation(input));
  }
}
