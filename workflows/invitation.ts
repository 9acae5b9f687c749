/**
 * P7 invitation: staff send a customer a communication template (portal
 * links for booking a repair, following it, booking an estimate). The web
 * page answers at once; a mail server that is down is retried here, spaced
 * out, and the outbox makes sure the customer gets the e-mail once (or,
 * when the retries run out, shows staff it was not delivered).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createInvitationActivities } from '../activities/mail/invitation';
import { invitationMessageKey, type InvitationInput } from './invitation.contract';
import { messageDeliveryRetry } from './message.contract';
import { deliverOrGiveUp } from './retry';

const mail = proxyActivities<ReturnType<typeof createInvitationActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { ...messageDeliveryRetry, nonRetryableErrorTypes: ['JobNotFound', 'NoEmail'] },
});

export async function invitationWorkflow(input: InvitationInput): Promise<void> {
  await deliverOrGiveUp(invitationMessageKey(input.invitationId), () => mail.sendInvitation(input));
}
