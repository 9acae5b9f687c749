import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { findBooking, setBookingToken } from '../../db/bookings';
import { jobNumberOf } from '../../db/jobs';
import { findLocation } from '../../db/locations';
import { claimMessage, markMessageSent } from '../../db/messages';
import { formatLocalDateTime } from '../../lib/time';
import { hashToken } from '../../lib/tokens';
import { renderMailHtml, renderMailText } from './templates';
import type { Transporter } from './transport';

export interface MailDeps {
  db: Knex;
  transport: Transporter;
  i18n: i18n;
  publicUrl: string;
  mailFrom: string;
}

export function createMailActivities({ db, transport, i18n, publicUrl, mailFrom }: MailDeps) {
  return {
    /**
     * P3: the confirmation link. Keyed by booking in the outbox, so a retry
     * after a successful send sends nothing; a retry after a failed send
     * sends with a fresh token (the old one was never delivered).
     */
    async sendBookingConfirmationLink(bookingId: string): Promise<void> {
      const booking = await findBooking(db, bookingId);
      if (!booking) throw ApplicationFailure.nonRetryable(`booking ${bookingId} does not exist`, 'BookingNotFound');
      const location = await findLocation(db, booking.location_id);
      if (!location) throw ApplicationFailure.nonRetryable(`location ${booking.location_id} does not exist`, 'LocationNotFound');

      const t = i18n.getFixedT(booking.language);
      const subject = t('mail.bookingLink.subject', { location: location.name });
      const idempotencyKey = `booking-${bookingId}:confirmation-link`;
      const maySend = await claimMessage(db, {
        idempotencyKey,
        channel: 'email',
        kind: 'booking_confirmation_link',
        recipient: booking.email,
        subject,
        bookingId,
      });
      if (!maySend) return;

      const token = randomBytes(32).toString('base64url');
      await setBookingToken(db, bookingId, hashToken(token));
      const data = {
        t,
        name: booking.first_name,
        location,
        link: `${publicUrl}/b/${token}?lang=${booking.language}`,
        slot: formatLocalDateTime(booking.slot_start, location.time_zone, booking.language),
        minutes: Math.max(1, Math.round(((booking.expires_at?.getTime() ?? Date.now()) - Date.now()) / 60_000)),
        plate: booking.plate,
        introKey: booking.kind === 'repair' ? 'mail.bookingLink.introRepair' : 'mail.bookingLink.intro',
        jobNumber: booking.job_id ? await jobNumberOf(db, booking.job_id) : '',
      };
      const info = await transport.sendMail({
        from: mailFrom,
        to: booking.email,
        subject,
        text: renderMailText('bookingLinkText', data),
        html: renderMailHtml('bookingLinkHtml', data),
        headers: { 'X-Booking-Id': bookingId },
      });
      await markMessageSent(db, idempotencyKey, info.messageId);
    },
  };
}
