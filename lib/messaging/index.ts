import type { Transporter } from 'nodemailer';
import type { Config } from '../config';
import { createEmailSender } from './email';
import type { DevMessageStore, Messaging, Sender } from './sender';
import { createDevSmsSender, createHttpSmsSender } from './sms';
import { createCloudWhatsappSender, createDevWhatsappSender } from './whatsapp';

export { MessageRejectedError, messageReferenceHeader } from './sender';
export type { Channel, DevMessageStore, Messaging, OutgoingMessage, Sender, TemplateMessage } from './sender';

export interface MessagingDeps {
  /** where the development providers keep their messages (db/devMessages.ts devMessageStore) */
  devStore: DevMessageStore;
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
export function createMessaging(config: MessagingConfig, { devStore, transport, mailFrom }: MessagingDeps): Messaging {
  return { email: createEmailSender(transport, mailFrom), sms: smsSender(config, devStore), whatsapp: whatsappSender(config, devStore) };
}

function smsSender(config: MessagingConfig, devStore: DevMessageStore): Sender | undefined {
  const sms = { sender: config.SMS_SENDER, defaultCountryCode: config.SMS_DEFAULT_COUNTRY_CODE };
  switch (config.SMS_PROVIDER) {
    case 'dev':
      return createDevSmsSender(devStore, sms);
    case 'http':
      return createHttpSmsSender({ ...sms, url: config.SMS_GATEWAY_URL!, token: config.SMS_GATEWAY_TOKEN!, timeoutMs: config.SMS_GATEWAY_TIMEOUT });
    case 'none':
      return undefined;
  }
}

function whatsappSender(config: MessagingConfig, devStore: DevMessageStore): Sender | undefined {
  const whatsapp = { defaultCountryCode: config.SMS_DEFAULT_COUNTRY_CODE };
  switch (config.WHATSAPP_PROVIDER) {
    case 'dev':
      return createDevWhatsappSender(devStore, whatsapp);
    case 'cloud':
      return createCloudWhatsappSender({ ...whatsapp, url: config.WHATSAPP_API_URL!, token: config.WHATSAPP_TOKEN!, timeoutMs: config.WHATSAPP_API_TIMEOUT });
    case 'none':
      return undefined;
  }
}
