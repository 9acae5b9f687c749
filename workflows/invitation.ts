/**
 * P7 invitation: staff send a customer a communication template (portal
 * links for booking a repair, following it, booking an estimate). The web
 * page answers at once; a mail server that is down is retried here, spaced
 * out, and the outbox makes sure the customer gets the e-mail once (or,
 * when the retries run out, shows staff it was not delivered).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createInvitationActivities, InvitationInput } from '../activities/mail/invitation';
import { deliverOrGiveUp, messageDeliveryRetry } from './retry';

export type { InvitationInput };

export const invitationWorkflowId = (invitationId: string) => `invitation-${invitationId}`;
/** The invitation's row in the outbox. */
export const invitationMessageKey = (invitationId: string) => `invitation-${invitationId}:email`;

const mail = proxyActivities<ReturnType<typeof createInvitationActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { ...messageDeliveryRetry, nonRetryableErrorTypes: ['JobNotFound', 'NoEmail'] },
});

export async function invitationWorkflow(input: InvitationInput): Promise<void> {
  await deliverOrGiveUp(invitationMessageKey(input.invitationId), () => mail.sendInvitation(input));
}
