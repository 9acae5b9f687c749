import { type NextFunction, type Request, type Response } from 'express';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { companyTimeZone, listLocations } from '../../db/locations';
import { listOutboxSms, listOutboxWhatsapp } from '../../db/messages';
import { customMessageTemplates, messageTemplate, resetMessageTemplate, saveMessageTemplate, type MessageTemplateKey } from '../../db/messageTemplates';
import type { SmsProvider, WhatsappProvider } from '../../lib/config';
import { isLanguage, languageNames, languages, type TFunction } from '../../lib/i18n';
import {
  isMessagePurpose,
  messageChannels,
  messagePurposes,
  offersChannel,
  purposeChannels,
  purposeTags,
  renderMessage,
  tagProblems,
  whatsappTagProblems,
  whatsappTemplate,
  whatsappTemplateBody,
  whatsappTemplates,
  type MessagePurpose,
  type MessageText,
  type MessageValues,
} from '../../lib/messageTemplates';
import type { Channel } from '../../lib/messaging';
import { smsMaxLength, smsParts } from '../../lib/messaging/smsParts';
import { formatLocalDateTimeShort } from '../../lib/time';
import { fieldErrors, type FieldErrors, parseForm } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import { featureRouter } from '../router';

export interface MessagingPagesDeps {
  db: Knex;
  i18n: i18n;
  publicUrl: string;
  smsProvider: SmsProvider;
  whatsappProvider: WhatsappProvider;
}

const emailSchema = z.object({
  subject: z.string().trim().min(1, 'subjectRequired').max(200, 'tooLong'),
  body: z.string().trim().min(1, 'bodyRequired').max(10_000, 'tooLong'),
});
const smsSchema = z.object({
  subject: z.literal(''),
  body: z.string().trim().min(1, 'bodyRequired').max(smsMaxLength, 'smsTooLong'),
});
/** WhatsApp allows 1024 characters in a template's body. */
const whatsappMaxLength = 1024;
/** A WhatsApp text says what the approved template says: all of its tags, no other. */
const whatsappSchema = (purpose: MessagePurpose) =>
  z.object({
    subject: z.literal(''),
    body: z
      .string()
      .trim()
      .min(1, 'bodyRequired')
      .max(whatsappMaxLength, 'whatsappTooLong')
      .refine((body) => {
        const { missing, extra } = whatsappTagProblems(purpose, body);
        return missing.length === 0 && extra.length === 0;
      }, 'whatsappTags'),
  });
const schemaFor = ({ purpose, channel }: MessageTemplateKey) =>
  channel === 'email' ? emailSchema : channel === 'sms' ? smsSchema : whatsappSchema(purpose);

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const isChannel = (value: unknown): value is Channel => (messageChannels as readonly string[]).includes(value as string);

/** For the staff menu on every page: the outbox links exist only with the development providers. */
export function messagingLocals({ smsProvider, whatsappProvider }: Pick<MessagingPagesDeps, 'smsProvider' | 'whatsappProvider'>) {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.locals.smsOutbox = smsProvider === 'outbox';
    res.locals.whatsappOutbox = whatsappProvider === 'outbox';
    next();
  };
}

/**
 * Messages to customers: admins adapt the texts of the lead manager's
 * messages (M2, M9) and the check-in's (C1, W1), per channel and language;
 * with the development SMS and WhatsApp providers, advisors read what would
 * have gone out.
 */
export function createMessagingRouter({ db, i18n, publicUrl, smsProvider, whatsappProvider }: MessagingPagesDeps) {
  const router = featureRouter();
  const admin = [requireStaff, requireRole('admin')];

  const timeZoneOf = (req: Request) => companyTimeZone(db, req.staff!.company_id);

  // --- the development SMS provider's outbox ----------------------------------

  router.get('/staff/messages/sms-outbox', requireStaff, requireRole('admin', 'service_advisor'), async (req: Request, res: Response, next: NextFunction) => {
    if (smsProvider !== 'outbox') return next();
    const timeZone = await timeZoneOf(req);
    const messages = (await listOutboxSms(db)).map((sms) => ({ ...sms, whenLabel: formatLocalDateTimeShort(sms.created_at, timeZone, req.language) }));
    render(req, res, 'messaging/views/smsOutbox', { messages });
  });

  // --- the development WhatsApp provider's outbox -----------------------------

  router.get('/staff/messages/whatsapp-outbox', requireStaff, requireRole('admin', 'service_advisor'), async (req: Request, res: Response, next: NextFunction) => {
    if (whatsappProvider !== 'outbox') return next();
    const timeZone = await timeZoneOf(req);
    const messages = (await listOutboxWhatsapp(db)).map((message) => ({
      ...message,
      whenLabel: formatLocalDateTimeShort(message.created_at, timeZone, req.language),
    }));
    render(req, res, 'messaging/views/whatsappOutbox', { messages });
  });

  // --- admin: message texts ---------------------------------------------------

  router.get('/staff/settings/messages', admin, async (req: Request, res: Response) => {
    const custom = await customMessageTemplates(db, req.staff!.company_id);
    const { language: staffLanguage } = req;
    const grid = messagePurposes.map((purpose) => ({
      purpose,
      channels: purposeChannels[purpose].map((channel) => ({
        channel,
        languages: languages.map((language) => {
          const own = custom.find((row) => row.purpose === purpose && row.channel === channel && row.language === language);
          return {
            language,
            href: `/staff/settings/messages/${purpose}/${channel}/${language}`,
            custom: !!own,
            changedBy: own?.updated_by_name ?? '',
            changedAt: own ? DateTime.fromJSDate(own.updated_at).setLocale(staffLanguage).toLocaleString(DateTime.DATE_MED) : '',
          };
        }),
      })),
    }));
    render(req, res, 'messaging/views/messageTexts', { grid, languageCodes: languages, languageNames });
  });

  const keyOf = (req: Request): MessageTemplateKey | undefined => {
    const { purpose, channel, language } = req.params;
    return isMessagePurpose(purpose) && isChannel(channel) && offersChannel(purpose, channel) && isLanguage(language)
      ? { purpose, channel, language }
      : undefined;
  };

  function sampleValues(t: TFunction, key: MessageTemplateKey, location: { name: string; phone: string; time_zone: string } | undefined): MessageValues {
    const start = DateTime.now()
      .setZone(location?.time_zone ?? 'Europe/Brussels')
      .plus({ days: 7 })
      .set({ hour: 8, minute: 30 })
      .setLocale(key.language);
    return {
      CustomerName: t('messaging.sample.customer'),
      Date: start.toLocaleString(DateTime.DATE_HUGE),
      Time: start.toLocaleString(DateTime.TIME_SIMPLE),
      TimeWindow: t('messaging.sample.timeWindow'),
      Location: location?.name ?? t('messaging.sample.location'),
      LocationPhone: location?.phone || '+32 9 123 45 67',
      Plate: '1-ABC-234',
      Services: t('messaging.sample.services'),
      // As long as a real cancel link: the SMS length shown is what customers get.
      CancelLink: `${publicUrl}/l/Zx81Kd0qP3vN7sLwY2mRt6HcJ9aUe4GbF5oXiQ1nVkE?lang=${key.language}`,
      CheckinLink: `${publicUrl}/c/Qm4Rt7Yp2Lx9Ka1Vb8Nc3Hd6Jf0Gs5Wz2Ue7Io4Pa1Sd`,
      ManageLink: `${publicUrl}/v/Zx8Kp3Lm7Qw2Er5Ty9Ui4Op1As6Df0Gh3Jk7Lz2Xc5V`,
    };
  }

  /** WhatsApp: the approved template this text stands for, as it is registered with Meta and as it is filled in. */
  function whatsappDetails(key: MessageTemplateKey, values: MessageText, sample: MessageValues) {
    const template = whatsappTemplate(key.purpose, key.language, sample);
    const tags = whatsappTemplates[key.purpose]!.parameters;
    return {
      name: template.name,
      language: template.language,
      registeredBody: whatsappTemplateBody(key.purpose, values.body),
      parameters: tags.map((tag, index) => ({ tag, value: template.parameters[index] })),
      ...whatsappTagProblems(key.purpose, values.body),
    };
  }

  async function editPage(req: Request, res: Response, key: MessageTemplateKey, form: { values?: MessageText; errors?: FieldErrors } = {}) {
    const current = await messageTemplate(db, req.staff!.company_id, key.purpose, key.channel, key.language);
    const values = form.values ?? { subject: current.subject, body: current.body };
    const [location] = await listLocations(db, req.staff!.company_id);
    // The sample customer speaks the template's language.
    const t = i18n.getFixedT(key.language);
    const sample = sampleValues(t, key, location);
    const rendered = renderMessage(values, sample);
    const done = text(req.query.done);
    render(
      req,
      res,
      'messaging/views/messageText',
      {
        key,
        action: `/staff/settings/messages/${key.purpose}/${key.channel}/${key.language}`,
        languageName: languageNames[key.language],
        custom: current.custom,
        values,
        errors: form.errors ?? {},
        notice: ['saved', 'reset'].includes(done) ? done : '',
        smsMaxLength,
        whatsappMaxLength,
        tags: purposeTags[key.purpose],
        whatsapp: key.channel === 'whatsapp' ? whatsappDetails(key, values, sample) : undefined,
        preview: {
          channel: key.channel,
          subject: rendered.subject,
          text: rendered.text,
          sms: key.channel === 'sms' ? smsParts(rendered.text) : undefined,
          ...tagProblems(values, key.purpose),
          location: location?.name ?? t('messaging.sample.location'),
        },
      },
      'messaging/views/_preview',
    );
  }

  router.get('/staff/settings/messages/:purpose/:channel/:language', admin, async (req: Request, res: Response, next: NextFunction) => {
    const key = keyOf(req);
    if (!key) return next();
    await editPage(req, res, key);
  });

  // "Preview" (a button, or htmx while typing: only the preview comes back) and "Save".
  router.post('/staff/settings/messages/:purpose/:channel/:language', admin, async (req: Request, res: Response, next: NextFunction) => {
    const key = keyOf(req);
    if (!key) return next();
    const values = { subject: key.channel === 'email' ? text(req.body?.subject) : '', body: text(req.body?.body) };
    if (req.body?.action === 'preview') return editPage(req, res, key, { values });
    const parsed = parseForm(schemaFor(key), values);
    if (!parsed.success) {
      res.status(422);
      return editPage(req, res, key, { values, errors: fieldErrors(parsed.error.issues) });
    }
    await saveMessageTemplate(db, req.staff!.company_id, key, parsed.data, req.staff!.id);
    req.log.info({ ...key, company: req.staff!.company_id }, 'message text saved');
    res.redirect(303, `/staff/settings/messages/${key.purpose}/${key.channel}/${key.language}?done=saved`);
  });

  router.post('/staff/settings/messages/:purpose/:channel/:language/reset', admin, async (req: Request, res: Response, next: NextFunction) => {
    const key = keyOf(req);
    if (!key) return next();
    await resetMessageTemplate(db, req.staff!.company_id, key);
    res.redirect(303, `/staff/settings/messages/${key.purpose}/${key.channel}/${key.language}?done=reset`);
  });

  return router;
}
