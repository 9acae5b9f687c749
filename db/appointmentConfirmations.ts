import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import type { Channel } from '../lib/messaging';
import { renderTemplate, templateValues } from '../lib/templates';
import { hashToken, newLinkToken } from '../lib/tokens';
import { addAppointmentLink, findOwnVisit, ownVisitCalendar } from './appointmentLinks';
import { messageExists, queueMessage } from './messages';
import { companyText } from './templates';

export interface ConfirmationRequest {
  appointmentId: number;
  channel: Channel;
  /** the outbox key: one message per key, a second call with it queues nothing more */
  idempotencyKey: string;
  publicUrl: string;
}

/**
 * B1 with M9, P3, P4: an appointment's confirmation, written to the outbox
 * (delivered by the caller's message workflow). Its text comes from the
 * company's `appointment_confirmation` template in the customer's language
 * with the manage link (`[ManageLink]`, a new link each time; a company text
 * without the tag gets the link below it), and an e-mail carries the visit's
 * .ics (sent_messages.calendar, attached as invite.ics). Answers false when
 * the key was queued before (a retried activity), or the appointment has no
 * address for the channel.
 */
export async function queueAppointmentConfirmation(db: Knex, i18n: i18n, request: ConfirmationRequest): Promise<boolean> {
  if (await messageExists(db, request.idempotencyKey)) return false;
  const visit = await findOwnVisit(db, request.appointmentId);
  if (!visit || visit.status !== 'planned') return false;
  const recipient = request.channel === 'email' ? visit.email : visit.phone;
  if (!recipient) return false;

  const token = newLinkToken();
  await addAppointmentLink(db, visit.id, hashToken(token));
  const manageUrl = `${request.publicUrl}/v/${token}`;
  const t = i18n.getFixedT(visit.language);
  const template = await companyText(db, visit.company_id, 'appointment_confirmation', request.channel, visit.language);
  const { subject, text } = renderTemplate(
    template,
    templateValues({
      language: visit.language,
      customer: { firstName: visit.first_name, lastName: visit.last_name },
      location: { name: visit.location_name, phone: visit.location_phone, timeZone: visit.time_zone },
      plate: visit.plate,
      startsAt: visit.starts_at,
      services: visit.services,
      manageLink: manageUrl,
    }),
  );
  await queueMessage(db, {
    idempotencyKey: request.idempotencyKey,
    channel: request.channel,
    kind: 'appointment_confirmation',
    recipient,
    subject,
    body: text.includes(manageUrl) ? text : `${text}\n\n${t('visit.message.manage', { link: manageUrl })}`,
    calendar: request.channel === 'email' ? ownVisitCalendar(visit, t, request.publicUrl, manageUrl) : undefined,
    appointmentId: visit.id,
    customerId: visit.customer_id ?? undefined,
    jobId: visit.job_id ?? undefined,
  });
  return true;
}
