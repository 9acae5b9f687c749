import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { addCheckinLink, findCheckinAppointment, type CheckinAppointment } from '../db/checkin';
import { openConversation } from '../db/conversations';
import { messageExists, queueMessage } from '../db/messages';
import { companyText } from '../db/templates';
import { checkinSchedule } from '../lib/checkinSchedule';
import { namesIn } from '../lib/files';
import { renderTemplate, templateValues, whatsappTemplate } from '../lib/templates';
import type { Channel, Messaging } from '../lib/messaging';
import { normalizePhone } from '../lib/phones';
import { hashToken, newLinkToken } from '../lib/tokens';

/** An appointment's check-in moments as the workflow needs them (ISO instants). */
export interface CheckinPlan {
  startsAt: string;
  linkAt: string;
  reminderAt: string;
}

/** The tag values of an appointment's check-in messages (lib/templates.ts templateValues). */
const values = (appointment: CheckinAppointment, checkinLink: string) =>
  templateValues({
    language: appointment.language,
    customer: { firstName: appointment.first_name, lastName: appointment.last_name },
    location: { name: appointment.location_name, phone: appointment.location_phone, timeZone: appointment.time_zone },
    plate: appointment.plate,
    startsAt: appointment.starts_at,
    checkinLink,
  });

/** D2 side effects. Each message is queued once per appointment time: a retry answers the same key. */
export function createCheckinActivities({ db, messaging, publicUrl, uploadDir }: { db: Knex; messaging: Messaging; publicUrl: string; uploadDir: string }) {
  /** The customer's preferred channel where it can be used, else e-mail (C1). */
  const preferred = (appointment: CheckinAppointment): Channel =>
    appointment.preferred_channel === 'sms' && appointment.sms_enabled && messaging.sms && appointment.phone ? 'sms' : 'email';

  /**
   * Writes one check-in message to the outbox, with a link of its own: the
   * token exists only in the message, the database keeps its hash (earlier
   * links stay valid), and the two are written together. Queued once per
   * key: a retry answers the same key. Null when there is nobody to send it to.
   */
  async function queue(
    appointmentId: number,
    key: string,
    kind: 'checkin_link' | 'checkin_reminder',
    channelOf: (appointment: CheckinAppointment) => Channel,
  ): Promise<string | null> {
    if (await messageExists(db, key)) return key;
    const appointment = await findCheckinAppointment(db, appointmentId);
    if (!appointment || appointment.status !== 'planned') return null;
    const channel = channelOf(appointment);
    const recipient = channel === 'email' ? appointment.email : appointment.phone;
    if (!recipient) return null;
    const token = newLinkToken();
    const tagValues = values(appointment, `${publicUrl}/c/${token}?lang=${appointment.language}`);
    const template = await companyText(db, appointment.company_id, kind, channel, appointment.language);
    const { subject, text } = renderTemplate(template, tagValues);
    await db.transaction(async (trx) => {
      await addCheckinLink(trx, appointment.id, hashToken(token));
      // W1: a WhatsApp reminder opens the customer's WhatsApp conversation, so their reply lands in it.
      const address = channel === 'whatsapp' ? normalizePhone(recipient) : '';
      const conversationId =
        address && appointment.customer_id
          ? await openConversation(trx, { companyId: appointment.company_id, customerId: appointment.customer_id, channel: 'whatsapp', address })
          : undefined;
      await queueMessage(trx, {
        conversationId,
        idempotencyKey: key,
        channel,
        kind,
        recipient,
        subject,
        body: text,
        appointmentId: appointment.id,
        customerId: appointment.customer_id ?? undefined,
        ...(channel === 'whatsapp' ? { template: whatsappTemplate(kind, appointment.language, tagValues) } : {}),
      });
    });
    return key;
  }

  return {
    /** When the messages are due, in the location's time zone; null once the appointment is cancelled or gone. */
    async checkinPlan(appointmentId: number): Promise<CheckinPlan | null> {
      const appointment = await findCheckinAppointment(db, appointmentId);
      if (!appointment || appointment.status !== 'planned') return null;
      const { linkAt, reminderAt } = checkinSchedule(appointment.starts_at, appointment.time_zone);
      return { startsAt: appointment.starts_at.toISOString(), linkAt: linkAt.toISOString(), reminderAt: reminderAt.toISOString() };
    },

    /** C1: the check-in link by the customer's preferred channel. */
    async queueCheckinLink(appointmentId: number, startsAt: string): Promise<string | null> {
      return queue(appointmentId, `checkin-${appointmentId}:link:${startsAt}`, 'checkin_link', preferred);
    },

    /** W1: the reminder (with a link too), by WhatsApp where the company has it and the customer a phone number, else as C1. */
    async queueCheckinReminder(appointmentId: number, startsAt: string): Promise<string | null> {
      return queue(appointmentId, `checkin-${appointmentId}:reminder:${startsAt}`, 'checkin_reminder', (appointment) =>
        appointment.whatsapp_enabled && messaging.whatsapp && appointment.phone ? 'whatsapp' : preferred(appointment),
      );
    },

    /**
     * Check-in is over (the appointment began, or was cancelled): photos and
     * videos a customer uploaded but never sent are removed from
     * UPLOAD_DIR/checkin/<appointment>/. Under the appointment's row lock,
     * which a check-in being sent also takes, and which refuses one once the
     * appointment has begun. Answers how many files were removed.
     */
    async discardUnsentCheckinFiles(appointmentId: number): Promise<number> {
      const folder = path.join(uploadDir, 'checkin', String(appointmentId));
      return db.transaction(async (trx) => {
        await trx('appointments').where({ id: appointmentId }).forUpdate().first('id');
        const kept = new Set<string>(
          await trx('checkin_files as f')
            .join('checkin_items as i', 'i.id', 'f.checkin_item_id')
            .where('i.appointment_id', appointmentId)
            .pluck('f.stored_name'),
        );
        const unsent = (await namesIn(folder)).filter((name) => !kept.has(`checkin/${appointmentId}/${name}`));
        await Promise.all(unsent.map((name) => rm(path.join(folder, name), { force: true })));
        return unsent.length;
      });
    },
  };
}
