import type { Knex } from 'knex';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config';
import { createEmailSender } from './email';
import type { Messaging, Sender } from './sender';
import { createHttpSmsSender, createOutboxSmsSender } from './sms';
import { createCloudWhatsappSender, createOutboxWhatsappSender } from './whatsapp';

export { MessageRejectedError, messageReferenceHeader } from './sender';
export type { Channel, Messaging, OutgoingMessage, Sender, TemplateMessage } from './sender';

export interface MessagingDeps {
  db: Knex;
  transport: Transporter;
  mailFrom: string;
}

export type MessagingConfig = Pick<
  Config,
  | 'SMS_PROVIDER'
  | 'SMS_GATEWAY_URL'
  | 'SMS_GATEWAY_TOKEN'
  | 'SMS_GATEWAY_TIMEOUT'
  | 'SMS_SENDER'
  | 'SMS_DEFAULT_COUNTRY_CODE'
  | 'WHATSAPP_PROVIDER'
  | 'WHATSAPP_API_URL'
  | 'WHATSAPP_TOKEN'
  | 'WHATSAPP_API_TIMEOUT'
>;

/** The channels of this deployment: e-mail always, SMS by SMS_PROVIDER, WhatsApp by WHATSAPP_PROVIDER. */
export function createMessaging(config: MessagingConfig, { db, transport, mailFrom }: MessagingDeps): Messaging {
  return { email: createEmailSender(transport, mailFrom), sms: smsSender(config, db), whatsapp: whatsappSender(config, db) };
}

function smsSender(config: MessagingConfig, db: Knex): Sender | undefined {
  const sms = { sender: config.SMS_SENDER, defaultCountryCode: config.SMS_DEFAULT_COUNTRY_CODE };
  switch (config.SMS_PROVIDER) {
    case 'outbox':
      return createOutboxSmsSender(db, sms);
    case 'http':
      return createHttpSmsSender({ ...sms, url: config.SMS_GATEWAY_URL!, token: config.SMS_GATEWAY_TOKEN!, timeoutMs: config.SMS_GATEWAY_TIMEOUT });
    case 'none':
      return undefined;
  }
}

function whatsappSender(config: MessagingConfig, db: Knex): Sender | undefined {
  const whatsapp = { defaultCountryCode: config.SMS_DEFAULT_COUNTRY_CODE };
  switch (config.WHATSAPP_PROVIDER) {
    case 'outbox':
      return createOutboxWhatsappSender(db, whatsapp);
    case 'cloud':
      return createCloudWhatsappSender({ ...whatsapp, url: config.WHATSAPP_API_URL!, token: config.WHATSAPP_TOKEN!, timeoutMs: config.WHATSAPP_API_TIMEOUT });
    case 'none':
      return undefined;
  }
}
