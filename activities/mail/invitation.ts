import { ApplicationFailure } from '@temporalio/activity';
import { findInvitationJobById } from '../../db/communicationTemplates';
import { queueMessage } from '../../db/messages';
import { expandTemplate, linkify, tagValues, type TemplateText } from '../../lib/communicationTemplates';
import { invitationMessageKey } from '../../workflows/invitation';
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
  template: TemplateText & { ref: string };
}

export function createInvitationActivities(deps: Omit<MailDeps, 'i18n'>) {
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

    const values = tagValues({
      publicUrl,
      language: template.language,
      customerName: `${job.first_name} ${job.last_name}`.trim(),
      jobNumber: job.job_number,
      plate: job.plate,
      location: { slug: job.location_slug, name: job.location_name, phone: job.location_phone },
    });
    const { subject, body } = expandTemplate(template, values);
    const idempotencyKey = invitationMessageKey(invitationId);
    await queueMessage(db, {
      idempotencyKey,
      channel: 'email',
      kind: 'invitation',
      recipient: job.email,
      subject,
      body,
      html: renderMailHtml('invitationHtml', { lang: template.language, paragraphs: body.split(/\n{2,}/).map(linkify) }),
      jobId: job.id,
      customerId: job.customer_id,
    });
    return idempotencyKey;
  }

  return {
    /** P7: the invitation into the outbox; the invitation workflow then delivers it (deliverMessage). Answers the outbox key. */
    async queueInvitationMessage(input: InvitationInput): Promise<string> {
      return queueInvitation(input);
    },

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
