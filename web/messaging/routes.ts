import { type NextFunction, type Request, type Response } from 'express';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { companyTimeZone, listLocations } from '../../db/locations';
import { listDevSms, listDevWhatsapp } from '../../db/devMessages';
import { companyText, customTexts, listOwnTemplates, resetText, saveText, type TextKey } from '../../db/templates';
import type { SmsProvider, WhatsappProvider } from '../../lib/config';
import { isLanguage, languageNames, languages, type TFunction } from '../../lib/i18n';
import {
  builtInInvitations,
  isTemplatePurpose,
  offersChannel,
  purposeChannels,
  purposeTags,
  renderTemplate,
  singleTextPurposes,
  tagProblems,
  templateChannels,
  templateValues,
  whatsappTagProblems,
  whatsappTemplate,
  whatsappTemplateBody,
  whatsappTemplates,
  type SingleTextPurpose,
  type TemplateText,
  type TemplateValues,
} from '../../lib/templates';
import type { Channel } from '../../lib/messaging';
import { smsMaxLength, smsParts } from '../../lib/messaging/smsParts';
import { formatLocalDateTimeShort } from '../../lib/time';
import { fieldErrors, type FieldErrors, parseForm } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import { featureRouter } from '../router';
import { devSmsReply, devWhatsappReply, devWhatsappStatus } from '../webhooks/devProviders';
import type { WebhookDeps } from '../webhooks/service';

export interface MessagingPagesDeps {
  db: Knex;
  i18n: i18n;
  publicUrl: string;
  smsProvider: SmsProvider;
  whatsappProvider: WhatsappProvider;
  /** the real webhook handlers, which the development providers' "Reply as the customer" forms post through */
  webhooks: WebhookDeps;
}

const devReplySchema = z.object({ from: z.string().regex(/^\+[1-9][0-9]{5,14}$/), text: z.string().trim().min(1).max(4096) });
const devStatusSchema = z.object({ reference: z.string().min(1).max(300), providerMessageId: z.string().max(300).default(''), status: z.enum(['delivered', 'read']) });

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
const whatsappSchema = (purpose: SingleTextPurpose) =>
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
const schemaFor = ({ purpose, channel }: TextKey) =>
  channel === 'email' ? emailSchema : channel === 'sms' ? smsSchema : whatsappSchema(purpose);

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const devNotice = (req: Request) => (['replied', 'reported', 'refused', 'invalid'].includes(text(req.query.done)) ? text(req.query.done) : '');
const isChannel = (value: unknown): value is Channel => (templateChannels as readonly string[]).includes(value as string);

/** For the staff menu on every page: the links to what the development providers received exist only with those providers. */
export function messagingLocals({ smsProvider, whatsappProvider }: Pick<MessagingPagesDeps, 'smsProvider' | 'whatsappProvider'>) {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.locals.devSms = smsProvider === 'dev';
    res.locals.devWhatsapp = whatsappProvider === 'dev';
    next();
  };
}

/**
 * Messages to customers: admins adapt the texts of the lead manager's
 * messages (M2, M9) and the check-in's (C1, W1), per channel and language;
 * with the development SMS and WhatsApp providers, advisors read what would
 * have gone out.
 */
export function createMessagingRouter({ db, i18n, publicUrl, smsProvider, whatsappProvider, webhooks }: MessagingPagesDeps) {
  const router = featureRouter();
  const admin = [requireStaff, requireRole('admin')];

  const timeZoneOf = (req: Request) => companyTimeZone(db, req.staff!.company_id);

  // The pages were called "outbox" before sent_messages became the one outbox; old bookmarks still lead there.
  router.get('/staff/messages/sms-outbox', (_req: Request, res: Response) => res.redirect(301, '/staff/messages/dev-sms'));
  router.get('/staff/messages/whatsapp-outbox', (_req: Request, res: Response) => res.redirect(301, '/staff/messages/dev-whatsapp'));

  // --- what the development SMS provider received ------------------------------

  router.get('/staff/messages/dev-sms', requireStaff, requireRole('admin', 'service_advisor'), async (req: Request, res: Response, next: NextFunction) => {
    if (smsProvider !== 'dev') return next();
    const timeZone = await timeZoneOf(req);
    const messages = (await listDevSms(db)).map((sms) => ({ ...sms, whenLabel: formatLocalDateTimeShort(sms.created_at, timeZone, req.language) }));
    render(req, res, 'messaging/views/devSms', { messages, done: devNotice(req) });
  });

  // --- what the development WhatsApp provider received -------------------------

  router.get('/staff/messages/dev-whatsapp', requireStaff, requireRole('admin', 'service_advisor'), async (req: Request, res: Response, next: NextFunction) => {
    if (whatsappProvider !== 'dev') return next();
    const timeZone = await timeZoneOf(req);
    const messages = (await listDevWhatsapp(db)).map((message) => ({
      ...message,
      whenLabel: formatLocalDateTimeShort(message.created_at, timeZone, req.language),
    }));
    render(req, res, 'messaging/views/devWhatsapp', { messages, done: devNotice(req) });
  });

  // W5 demo: the customer answers, or WhatsApp reports a message delivered or read, through the real webhook handler.
  const devAdvisor = [requireStaff, requireRole('admin', 'service_advisor')];
  router.post('/staff/messages/dev-whatsapp/reply', devAdvisor, async (req: Request, res: Response, next: NextFunction) => {
    if (whatsappProvider !== 'dev') return next();
    const parsed = devReplySchema.safeParse({ from: text(req.body?.from), text: text(req.body?.text) });
    if (!parsed.success) return res.redirect(303, '/staff/messages/dev-whatsapp?done=invalid');
    const answer = await devWhatsappReply(webhooks, parsed.data.from, parsed.data.text);
    res.redirect(303, `/staff/messages/dev-whatsapp?done=${answer.status === 200 ? 'replied' : 'refused'}`);
  });
  router.post('/staff/messages/dev-whatsapp/status', devAdvisor, async (req: Request, res: Response, next: NextFunction) => {
    if (whatsappProvider !== 'dev') return next();
    const parsed = devStatusSchema.safeParse({ reference: text(req.body?.reference), providerMessageId: text(req.body?.providerMessageId), status: text(req.body?.status) });
    if (!parsed.success) return res.redirect(303, '/staff/messages/dev-whatsapp?done=invalid');
    const answer = await devWhatsappStatus(webhooks, parsed.data.reference, parsed.data.providerMessageId, parsed.data.status);
    res.redirect(303, `/staff/messages/dev-whatsapp?done=${answer.status === 200 ? 'reported' : 'refused'}`);
  });
  router.post('/staff/messages/dev-sms/reply', devAdvisor, async (req: Request, res: Response, next: NextFunction) => {
    if (smsProvider !== 'dev') return next();
    const parsed = devReplySchema.safeParse({ from: text(req.body?.from), text: text(req.body?.text) });
    if (!parsed.success) return res.redirect(303, '/staff/messages/dev-sms?done=invalid');
    const answer = await devSmsReply(webhooks, parsed.data.from, parsed.data.text);
    res.redirect(303, `/staff/messages/dev-sms?done=${answer.status === 200 ? 'replied' : 'refused'}`);
  });

  // --- admin: message texts ---------------------------------------------------

  router.get('/staff/settings/messages', admin, async (req: Request, res: Response) => {
    const custom = await customTexts(db, req.staff!.company_id);
    const { language: staffLanguage } = req;
    const grid = singleTextPurposes.map((purpose) => ({
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
    const done = text(req.query.done);
    render(req, res, 'messaging/views/messageTexts', {
      grid,
      // P7: several invitations, built in and the company's own (edited at /staff/settings/messages/invitation/…, web/templates).
      invitations: { builtIn: builtInInvitations, own: await listOwnTemplates(db, req.staff!.company_id) },
      languageCodes: languages,
      languageNames,
      notice: ['invitationSaved', 'invitationDeleted'].includes(done) ? done : '',
    });
  });

  const keyOf = (req: Request): TextKey | undefined => {
    const { purpose, channel, language } = req.params;
    return isTemplatePurpose(purpose) && purpose !== 'invitation' && isChannel(channel) && offersChannel(purpose, channel) && isLanguage(language)
      ? { purpose, channel, language }
      : undefined;
  };

  /** A made-up customer, vehicle and appointment at one of the company's locations, through the one tag value builder. */
  function sampleValues(t: TFunction, key: TextKey, location: { name: string; phone: string; slug: string; time_zone: string } | undefined): TemplateValues {
    const timeZone = location?.time_zone ?? 'Europe/Brussels';
    const start = DateTime.now().setZone(timeZone).plus({ days: 7 }).set({ hour: 8, minute: 30, second: 0, millisecond: 0 });
    const [firstName = '', ...lastName] = String(t('messaging.sample.customer')).split(' ');
    return templateValues({
      language: key.language,
      customer: { firstName, lastName: lastName.join(' ') },
      location: { name: location?.name ?? t('messaging.sample.location'), phone: location?.phone || '+32 9 123 45 67', slug: location?.slug ?? 'example', timeZone },
      plate: '1-ABC-234',
      jobNumber: '1234',
      startsAt: start.toJSDate(),
      timeWindow: t('messaging.sample.timeWindow'),
      services: [t('messaging.sample.services')],
      publicUrl,
      // As long as real links: the SMS length shown is what customers get.
      confirmLink: `${publicUrl}/b/Hk3Wq9Zt5Rv1Lm7Np2Xc8Bd4Jf6Gs0Ye3Ui5Oa7Pe1Sd?lang=${key.language}`,
      linkMinutes: 15,
      cancelLink: `${publicUrl}/l/Zx81Kd0qP3vN7sLwY2mRt6HcJ9aUe4GbF5oXiQ1nVkE?lang=${key.language}`,
      checkinLink: `${publicUrl}/c/Qm4Rt7Yp2Lx9Ka1Vb8Nc3Hd6Jf0Gs5Wz2Ue7Io4Pa1Sd`,
      manageLink: `${publicUrl}/v/Zx8Kp3Lm7Qw2Er5Ty9Ui4Op1As6Df0Gh3Jk7Lz2Xc5V`,
    });
  }

  /** WhatsApp: the approved template this text stands for, as it is registered with Meta and as it is filled in. */
  function whatsappDetails(key: TextKey, values: TemplateText, sample: TemplateValues) {
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

  async function editPage(req: Request, res: Response, key: TextKey, form: { values?: TemplateText; errors?: FieldErrors } = {}) {
    const current = await companyText(db, req.staff!.company_id, key.purpose, key.channel, key.language);
    const values = form.values ?? { subject: current.subject, body: current.body };
    const [location] = await listLocations(db, req.staff!.company_id);
    // The sample customer speaks the template's language.
    const t = i18n.getFixedT(key.language);
    const sample = sampleValues(t, key, location);
    const rendered = renderTemplate(values, sample);
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
    await saveText(db, req.staff!.company_id, key, parsed.data, req.staff!.id);
    req.log.info({ ...key, company: req.staff!.company_id }, 'message text saved');
    res.redirect(303, `/staff/settings/messages/${key.purpose}/${key.channel}/${key.language}?done=saved`);
  });

  router.post('/staff/settings/messages/:purpose/:channel/:language/reset', admin, async (req: Request, res: Response, next: NextFunction) => {
    const key = keyOf(req);
    if (!key) return next();
    await resetText(db, req.staff!.company_id, key);
    res.redirect(303, `/staff/settings/messages/${key.purpose}/${key.channel}/${key.language}?done=reset`);
  });

  return router;
}
