import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import { findBooking, setBookingToken } from '../../db/bookings';
import { jobReference } from '../../db/jobs';
import { findLocation } from '../../db/locations';
import { queueMessage } from '../../db/messages';
import { companyText } from '../../db/templates';
import type { Messaging } from '../../lib/messaging';
import { renderTemplate, templateValues } from '../../lib/templates';
import { hashToken, newLinkToken } from '../../lib/tokens';
import { deliverOnce } from '../messaging';
import { renderMailHtml } from './templates';

export interface MailDeps {
  db: Knex;
  publicUrl: string;
  messaging: Messaging;
}

/** The booking link's row in the outbox (sent_messages): one per booking. */
const bookingLinkMessageKey = (bookingId: string) => `booking-${bookingId}:confirmation-link`;

export function createMailActivities(deps: MailDeps) {
  const { db, publicUrl } = deps;

  /**
   * P3/P4: writes the confirmation link to the outbox, once per booking; a
   * retry finds the row and writes nothing (the token stays the one in the
   * queued text). The token's hash is set in the same transaction as the
   * row, so the link in the outbox is always the one that works. Answers
   * the outbox key.
   */
  async function queueBookingLink(bookingId: string): Promise<string> {
    const booking = await findBooking(db, bookingId);
    if (!booking) throw ApplicationFailure.nonRetryable(`booking ${bookingId} does not exist`, 'BookingNotFound');
    const location = await findLocation(db, booking.location_id);
    if (!location) throw ApplicationFailure.nonRetryable(`location ${booking.location_id} does not exist`, 'LocationNotFound');

    const idempotencyKey = bookingLinkMessageKey(bookingId);
    const token = newLinkToken();
    const purpose = booking.kind === 'repair' ? 'repair_booking_link' : 'booking_link';
    // A repair booking's job: its number for the text, its customer for the timeline.
    const job = booking.job_id ? await jobReference(db, booking.job_id) : undefined;
    const template = await companyText(db, location.company_id, purpose, 'email', booking.language);
    const { subject, text } = renderTemplate(
      template,
      templateValues({
        language: booking.language,
        customer: { firstName: booking.first_name, lastName: booking.last_name },
        location: { name: location.name, phone: location.phone, timeZone: location.time_zone },
        plate: booking.plate,
        jobNumber: job?.job_number,
        startsAt: booking.slot_start,
        confirmLink: `${publicUrl}/b/${token}?lang=${booking.language}`,
        linkMinutes: Math.max(1, Math.round(((booking.expires_at?.getTime() ?? Date.now()) - Date.now()) / 60_000)),
      }),
    );
    await db.transaction(async (trx) => {
      const written = await queueMessage(trx, {
        idempotencyKey,
        channel: 'email',
        kind: 'booking_confirmation_link',
        recipient: booking.email,
        subject,
        body: text,
        html: renderMailHtml(text, booking.language),
        bookingId,
        jobId: booking.job_id ?? undefined,
        customerId: job?.customer_id,
      });
      if (written) await setBookingToken(trx, bookingId, hashToken(token));
    });
    return idempotencyKey;
  }

  return {
    /** P3/P4: the confirmation link into the outbox; the booking workflow then delivers it (deliverMessage). Answers the outbox key. */
    queueBookingLinkMessage: queueBookingLink,

    /**
     * The step of booking workflows started before the link went through the
     * outbox (they replay without the 'booking-link-outbox' patch): the same
     * outbox row and the same delivery, in one activity. A retry after a
     * successful send sends nothing.
     */
    async sendBookingConfirmationLink(bookingId: string): Promise<void> {
      await deliverOnce(deps, await queueBookingLink(bookingId));
    },
  };
}
