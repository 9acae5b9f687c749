/**
 * P7 invitation, as the template pages and scripts see it:
 * workflows/invitation.ts is the workflow.
 */
import type { InvitationInput } from '../activities/mail/invitation';

export type { InvitationInput };

export const invitationWorkflowId = (invitationId: string) => `invitation-${invitationId}`;
/** The invitation's row in the outbox. */
export const invitationMessageKey = (invitationId: string) => `invitation-${invitationId}:email`;

export const invitationWorkflowType = 'invitationWorkflow';
export type InvitationWorkflow = (input: InvitationInput) => Promise<void>;
