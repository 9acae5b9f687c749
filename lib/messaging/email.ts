import type { Transporter } from 'nodemailer';
import { calendarMethod } from '../calendar';
import { MessageRejectedError, type Sender } from './sender';

/**
 * The mail server refused the recipient for good (5xx on RCPT TO, or an
 * address nodemailer cannot use). A refused sender or login is our own
 * configuration and is retried: fixing it delivers the waiting messages.
 */
function recipientRefused(error: unknown): boolean {
  const { code, command, responseCode, message } = error as { code?: string; command?: string; responseCode?: number; message?: string };
  if (code !== 'EENVELOPE') return false;
  if (command === 'RCPT TO') return responseCode === undefined || (responseCode >= 500 && responseCode < 600);
  return command === 'API' && /recipient/i.test(message ?? '');
}

/** E-mail over the process's one SMTP transport (activities/mail/transport.ts). */
export function createEmailSender(transport: Transporter, mailFrom: string): Sender {
  return {
    channel: 'email',
    async send({ to, subject, text, html, headers, calendar }) {
      // B1: the appointment's .ics as a text/calendar part named invite.ics, with its own METHOD.
      const icalEvent = calendar ? { filename: 'invite.ics', method: calendarMethod(calendar), content: calendar } : undefined;
      try {
        const info = await transport.sendMail({ from: mailFrom, to, subject, text, html, headers, icalEvent });
        return { providerMessageId: info.messageId };
      } catch (error) {
        if (recipientRefused(error)) throw new MessageRejectedError(`mail server refused ${to}: ${(error as Error).message}`, { cause: error });
        throw error;
      }
    },
  };
}
