import { ApplicationFailure } from '@temporalio/activity';
import { findInvitationJobById } from '../../db/communicationTemplates';
import { claimMessage, markMessageSent, noteDeliveryError } from '../../db/messages';
import { expandTemplate, linkify, tagValues, type TemplateText } from '../../lib/communicationTemplates';
import { invitationMessageKey } from '../../workflows/invitation.contract';
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

export function createInvitationActivities({ db, transport, publicUrl, mailFrom }: Omit<MailDeps, 'i18n'>) {
  return {
    /**
     * P7: one invitation e-mail from a communication template, tags expanded
     * with the job's current data. Keyed in the outbox by invitation, so a
     * retry after a successful send sends nothing.
     */
    async sendInvitation({ invitationId, jobId, template }: InvitationInput): Promise<void> {
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
      const maySend = await claimMessage(db, {
        idempotencyKey,
        channel: 'email',
        kind: 'invitation',
        recipient: job.email,
        subject,
        jobId: job.id,
        customerId: job.customer_id,
      });
      if (!maySend) return;

      const info = await transport
        .sendMail({
          from: mailFrom,
          to: job.email,
          subject,
          text: body,
          html: renderMailHtml('invitationHtml', { lang: template.language, paragraphs: body.split(/\n{2,}/).map(linkify) }),
          headers: { 'X-Invitation-Id': invitationId },
        })
        .catch(async (error: unknown) => {
          // Retried by the workflow; staff see why it has not arrived yet.
          await noteDeliveryError(db, idempotencyKey, error instanceof Error ? error.message : String(error));
          throw error;
        });
      await markMessageSent(db, idempotencyKey, info.messageId);
    },
  };
}
