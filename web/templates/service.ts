import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Location } from '../../db/locations';
import type { ChosenTemplate, InvitationJob } from '../../db/templates';
import type { Language } from '../../lib/i18n';
import { renderTemplate, templateValues, unknownTags, type TemplateValues } from '../../lib/templates';
import { invitationWorkflowId, invitationWorkflowType, type InvitationWorkflow } from '../../workflows/invitation.contract';
import { jobNumberKey, locationKey } from '../../workflows/searchAttributes.contract';

export interface InvitationDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  publicUrl: string;
}

export interface Preview {
  subject: string;
  body: string;
  /** tags in brackets that are not ours; they stay as typed */
  unknownTags: string[];
}

export function preview(template: Pick<ChosenTemplate, 'subject' | 'body'>, values: TemplateValues): Preview {
  const { subject, text } = renderTemplate(template, values);
  return { subject, body: text, unknownTags: unknownTags(`${template.subject}\n${template.body}`) };
}

/** An admin's preview of an invitation: a made-up customer and job at one of the company's locations. */
export function sampleValues(publicUrl: string, location: Location | undefined, language: Language, customer: { firstName: string; lastName: string }): TemplateValues {
  return templateValues({
    publicUrl,
    language,
    customer,
    jobNumber: '1234',
    plate: '1-ABC-234',
    location: location ? { slug: location.slug, name: location.name, phone: location.phone } : { slug: 'example', name: 'Example', phone: '' },
  });
}

export type QueueResult = { queued: true; invitationId: string; recipient: string } | { queued: false; error: 'noEmail' };

/**
 * Starts the invitation workflow and returns at once: the e-mail goes out
 * from the worker, retried while the mail server is down.
 */
export async function queueInvitation(deps: InvitationDeps, job: InvitationJob, template: ChosenTemplate): Promise<QueueResult> {
  if (!job.email) return { queued: false, error: 'noEmail' };
  const invitationId = randomUUID();
  await deps.temporal.workflow.start<InvitationWorkflow>(invitationWorkflowType, {
    workflowId: invitationWorkflowId(invitationId),
    taskQueue: deps.taskQueue,
    args: [
      {
        invitationId,
        jobId: job.id,
        template: { ref: template.ref, name: template.name, language: template.language, subject: template.subject, body: template.body },
      },
    ],
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: jobNumberKey, value: job.job_number },
      { key: locationKey, value: job.location_slug },
    ],
  });
  return { queued: true, invitationId, recipient: job.email };
}
