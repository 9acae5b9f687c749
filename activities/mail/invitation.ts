import { ApplicationFailure } from '@temporalio/activity';
import { queueMessage } from '../../db/messages';
import { findInvitationJobById, invitationValues } from '../../db/templates';
import { renderTemplate, type NamedText } from '../../lib/templates';
import { invitationMessageKey } from '../../workflows/invitation.contract';
import { deliverOnce } from '../messaging';
import type { MailDeps } from './index';
import { renderMailHtml } from './templates';

export interface InvitationInput {
  invitationId: string;
  jobId: number;
  /**
   * The template as staff previewed it, tags not yet expanded: no personal
   * data in workflow history, and a template edited or deleted meanwhile
   * does not change what was sent.
   */
  template: NamedText & { ref: string };
}

export function createInvitationActivities(deps: MailDeps) {
  const { db, publicUrl } = deps;

  /**
   * P7: one invitation e-mail from a communication template, tags expanded
   * with the job's current data, written to the outbox keyed by invitation
   * (a retry writes nothing). Answers the outbox key.
   */
  async function queueInvitation({ invitationId, jobId, template }: InvitationInput): Promise<string> {
    const job = await findInvitationJobById(db, jobId);
    if (!job) throw ApplicationFailure.nonRetryable(`job ${jobId} does not exist`, 'JobNotFound');
    if (!job.email) throw ApplicationFailure.nonRetryable(`the customer of job ${job.job_number} has no e-mail address`, 'NoEmail');

    const { subject, text: body } = renderTemplate(template, invitationValues(publicUrl, job, template.language));
    const idempotencyKey = invitationMessageKey(invitationId);
    await queueMessage(db, {
      idempotencyKey,
      channel: 'email',
      kind: 'invitation',
      recipient: job.email,
      subject,
      body,
      html: renderMailHtml(body, template.language),
      jobId: job.id,
      customerId: job.customer_id,
    });
    return idempotencyKey;
  }

  return {
    /** P7: the invitation into the outbox; the invitation workflow then delivers it (deliverMessage). Answers the outbox key. */
    queueInvitationMessage: queueInvitation,

    /**
     * The step of invitation workflows started before invitations went
     * through the outbox (they replay without the 'invitation-outbox'
     * patch): the same outbox row and the same delivery, in one activity. A
     * retry after a successful send sends nothing.
     */
    async sendInvitation(input: InvitationInput): Promise<void> {
      await deliverOnce(deps, await queueInvitation(input));
    },
  };
}
