import type { Knex } from 'knex';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config';
import { createEmailSender } from './email';
import type { Messaging } from './sender';
import { createHttpSmsSender, createOutboxSmsSender } from './sms';

export { MessageRejectedError, messageReferenceHeader } from './sender';
export type { Channel, Messaging, OutgoingMessage, Sender } from './sender';
export { toE164 } from './phone';

export interface MessagingDeps {
  db: Knex;
  transport: Transporter;
  mailFrom: string;
}

/** The channels of this deployment: e-mail always, SMS by SMS_PROVIDER. */
export function createMessaging(
  config: Pick<
    Config,
    'SMS_PROVIDER' | 'SMS_GATEWAY_URL' | 'SMS_GATEWAY_TOKEN' | 'SMS_GATEWAY_TIMEOUT' | 'SMS_SENDER' | 'SMS_DEFAULT_COUNTRY_CODE'
  >,
  { db, transport, mailFrom }: MessagingDeps,
): Messaging {
  const email = createEmailSender(transport, mailFrom);
  const sms = { sender: config.SMS_SENDER, defaultCountryCode: config.SMS_DEFAULT_COUNTRY_CODE };
  switch (config.SMS_PROVIDER) {
    case 'outbox':
      return { email, sms: createOutboxSmsSender(db, sms) };
    case 'http':
      return {
        email,
        sms: createHttpSmsSender({ ...sms, url: config.SMS_GATEWAY_URL!, token: config.SMS_GATEWAY_TOKEN!, timeoutMs: config.SMS_GATEWAY_TIMEOUT }),
      };
    case 'none':
      return { email };
  }
}
