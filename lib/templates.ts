/**
 * The one template system for what customers receive: every purpose (the
 * booking link, invitations, the lead manager's messages, the check-in
 * link and reminder, the conversation follow-up), per channel and language; one tag set; one function
 * that builds the tag values (templateValues) and one that fills them in
 * (renderTemplate). The built-in texts are in lib/templateTexts.ts; a
 * company's own in the company_templates table (db/templates.ts), edited by
 * admin on one page (/staff/settings/messages). Pure code: the preview and
 * the activities expand the same way.
 *
 * A WhatsApp message goes out as an approved template (whatsappTemplate):
 * its text here is what the template says.
 */
import { DateTime } from 'luxon';
import { isLanguage, type Language } from './i18n';
import type { Channel, TemplateMessage } from './messaging';
import { builtInInvitationTexts, builtInTexts, type BuiltInText } from './templateTexts';

export const templatePurposes = [
  'booking_link',
  'repair_booking_link',
  'invitation',
  'lead_acknowledgement',
  'lead_rejection',
  'appointment_confirmation',
  'checkin_link',
  'checkin_reminder',
  'conversation_followup',
] as const;
export type TemplatePurpose = (typeof templatePurposes)[number];
/** The purposes with one text per channel and language (an invitation has several, each with a name). */
export type SingleTextPurpose = Exclude<TemplatePurpose, 'invitation'>;
export const singleTextPurposes = templatePurposes.filter((purpose): purpose is SingleTextPurpose => purpose !== 'invitation');

export const templateChannels = ['email', 'sms', 'whatsapp'] as const satisfies readonly Channel[];

/** The channels each message can go by, in the order they are preferred. */
export const purposeChannels: Record<TemplatePurpose, readonly Channel[]> = {
  booking_link: ['email'],
  repair_booking_link: ['email'],
  invitation: ['email'],
  lead_acknowledgement: ['email', 'sms'],
  lead_rejection: ['email', 'sms'],
  appointment_confirmation: ['email', 'sms'],
  // C1: by the customer's preferred channel.
  checkin_link: ['email', 'sms'],
  // W1: WhatsApp where the company has it, else SMS or e-mail.
  checkin_reminder: ['whatsapp', 'sms', 'email'],
  // W4: what staff send from the conversation when free text is not allowed (outside the WhatsApp window), or by SMS.
  conversation_followup: ['whatsapp', 'sms'],
};

export function offersChannel(purpose: TemplatePurpose, channel: Channel): boolean {
  return purposeChannels[purpose].includes(channel);
}

export function isTemplatePurpose(value: unknown): value is TemplatePurpose {
  return typeof value === 'string' && (templatePurposes as readonly string[]).includes(value);
}

/** THE tag set: every tag any text may contain, written in square brackets: [CustomerName]. */
export const templateTags = [
  'CustomerName',
  'JobNumber',
  'Plate',
  'LocationName',
  'LocationPhone',
  'Date',
  'Time',
  'TimeWindow',
  'Services',
  'ConfirmLink',
  'LinkMinutes',
  'CancelLink',
  'CheckinLink',
  'ManageLink',
  'URLBookAssessment',
  'URLBookRepair',
  'URLStatusRepair',
] as const;
export type TemplateTag = (typeof templateTags)[number];
export type TemplateValues = Partial<Record<TemplateTag, string>>;

/** The tags each message is sent with; the others expand to nothing in it. */
export const purposeTags: Record<TemplatePurpose, readonly TemplateTag[]> = {
  booking_link: ['CustomerName', 'Date', 'Time', 'LocationName', 'LocationPhone', 'Plate', 'ConfirmLink', 'LinkMinutes'],
  repair_booking_link: ['CustomerName', 'Date', 'Time', 'LocationName', 'LocationPhone', 'Plate', 'JobNumber', 'ConfirmLink', 'LinkMinutes'],
  invitation: ['CustomerName', 'JobNumber', 'Plate', 'LocationName', 'LocationPhone', 'URLBookAssessment', 'URLBookRepair', 'URLStatusRepair'],
  lead_acknowledgement: ['CustomerName', 'Date', 'TimeWindow', 'LocationName', 'LocationPhone', 'Plate', 'Services', 'CancelLink'],
  lead_rejection: ['CustomerName', 'Date', 'TimeWindow', 'LocationName', 'LocationPhone', 'Plate', 'Services'],
  appointment_confirmation: ['CustomerName', 'Date', 'Time', 'LocationName', 'LocationPhone', 'Plate', 'Services', 'ManageLink'],
  checkin_link: ['CustomerName', 'Date', 'Time', 'LocationName', 'LocationPhone', 'Plate', 'CheckinLink'],
  checkin_reminder: ['CustomerName', 'Date', 'Time', 'LocationName', 'LocationPhone', 'Plate', 'CheckinLink'],
  conversation_followup: ['CustomerName', 'Date', 'Time', 'LocationName', 'LocationPhone', 'Plate'],
};

export interface TemplateText {
  /** '' for SMS and WhatsApp */
  subject: string;
  body: string;
}

const tagPattern = /\[([A-Za-z]+)\]/g;
const isTag = (name: string): name is TemplateTag => (templateTags as readonly string[]).includes(name);

/** Replaces the tags `values` has ([Name] → values.Name); anything else in brackets stays as typed. */
export function expandTags(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(tagPattern, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : whole));
}

/** Every tag name in a text, once each, in order of appearance. */
export function tagsIn(text: string): string[] {
  return [...new Set([...text.matchAll(tagPattern)].map((match) => match[1]!))];
}

/** Tags in the text that are not ours (for a hint beside the preview). */
export function unknownTags(text: string): string[] {
  return tagsIn(text).filter((name) => !isTag(name));
}

/**
 * Fills in a text. A known tag without a value becomes empty (a customer
 * never reads "[Time]"); an unknown one stays as typed, so a typo shows in
 * the admin's preview. Values are inserted literally.
 */
export function renderTemplate(template: TemplateText, values: TemplateValues): { subject: string; text: string } {
  const filled = Object.fromEntries(templateTags.map((tag) => [tag, values[tag] ?? '']));
  return { subject: expandTags(template.subject, filled), text: expandTags(template.body, filled) };
}

/** Tags in a text that are not ours (left as typed), and ours that this message is not sent with (left empty). */
export function tagProblems(template: TemplateText, purpose: TemplatePurpose): { unknown: string[]; unavailable: string[] } {
  const used = tagsIn(`${template.subject}\n${template.body}`);
  return {
    unknown: used.filter((tag) => !isTag(tag)),
    unavailable: used.filter((tag) => isTag(tag) && !purposeTags[purpose].includes(tag)),
  };
}

// ---------------------------------------------------------------------------
// Tag values: built in this one place from what the caller knows of the
// customer, vehicle, job, appointment, booking or lead, and location.

export interface TemplateFacts {
  /** the customer's language: dates are written in it, links open in it */
  language: string;
  customer?: { firstName: string; lastName: string };
  location?: { name: string; phone: string; slug?: string; timeZone?: string };
  plate?: string;
  jobNumber?: string;
  /** an appointment's or booking slot's start: [Date] and [Time] in the location's time zone */
  startsAt?: Date;
  /** a lead's desired day (YYYY-MM-DD): [Date] without a time */
  desiredDate?: string;
  /** the part of the day a lead asked for, already in the customer's words */
  timeWindow?: string;
  services?: readonly string[];
  /** where the portal is: [URLBookAssessment], [URLBookRepair], [URLStatusRepair] for the location (and job) */
  publicUrl?: string;
  confirmLink?: string;
  linkMinutes?: number;
  cancelLink?: string;
  checkinLink?: string;
  /** B1: the customer's own link to move or cancel the appointment */
  manageLink?: string;
}

export interface PortalLinks {
  bookAssessment: string;
  bookRepair: string;
  statusRepair: string;
}

/**
 * The location's portal links. Look-up links carry the job number (the form
 * prefills it) and never the plate: the customer types that, so the link
 * alone opens nothing. (The built-in invitations leave [Plate] out for the
 * same reason: plate + job number is what the portal asks to prove.)
 */
export function portalLinks(publicUrl: string, slug: string, jobNumber: string, language: string): PortalLinks {
  const base = `${publicUrl.replace(/\/+$/, '')}/p/${encodeURIComponent(slug)}`;
  const lookup = (purpose: 'repair' | 'status') => `${base}/lookup/${purpose}?${new URLSearchParams({ job: jobNumber, lang: language })}`;
  return {
    bookAssessment: `${base}/estimate?${new URLSearchParams({ lang: language })}`,
    bookRepair: lookup('repair'),
    statusRepair: lookup('status'),
  };
}

/** THE tag values of a message: only the tags the facts give (the others render empty). */
export function templateValues(facts: TemplateFacts): TemplateValues {
  const language = isLanguage(facts.language) ? facts.language : 'en';
  const values: TemplateValues = {};
  if (facts.customer) values.CustomerName = `${facts.customer.firstName} ${facts.customer.lastName}`.trim();
  if (facts.location) {
    values.LocationName = facts.location.name;
    values.LocationPhone = facts.location.phone;
  }
  if (facts.plate !== undefined) values.Plate = facts.plate;
  if (facts.jobNumber !== undefined) values.JobNumber = facts.jobNumber;
  if (facts.startsAt) {
    const start = DateTime.fromJSDate(facts.startsAt, { zone: facts.location?.timeZone ?? 'Europe/Brussels' }).setLocale(language);
    values.Date = start.toLocaleString(DateTime.DATE_HUGE);
    values.Time = start.toLocaleString(DateTime.TIME_SIMPLE);
  } else if (facts.desiredDate) {
    values.Date = DateTime.fromISO(facts.desiredDate).setLocale(language).toLocaleString(DateTime.DATE_HUGE);
  }
  if (facts.timeWindow !== undefined) values.TimeWindow = facts.timeWindow;
  if (facts.services) values.Services = facts.services.join(', ');
  if (facts.publicUrl && facts.location?.slug) {
    const links = portalLinks(facts.publicUrl, facts.location.slug, facts.jobNumber ?? '', language);
    values.URLBookAssessment = links.bookAssessment;
    values.URLBookRepair = links.bookRepair;
    values.URLStatusRepair = links.statusRepair;
  }
  if (facts.confirmLink) values.ConfirmLink = facts.confirmLink;
  if (facts.linkMinutes !== undefined) values.LinkMinutes = String(facts.linkMinutes);
  if (facts.cancelLink) values.CancelLink = facts.cancelLink;
  if (facts.checkinLink) values.CheckinLink = facts.checkinLink;
  if (facts.manageLink) values.ManageLink = facts.manageLink;
  return values;
}

/** A text cut into plain runs and links, so the HTML mail can link them without building HTML by hand. */
export function linkify(text: string): { text: string; url?: string }[] {
  const parts: { text: string; url?: string }[] = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ text: match[0], url: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

// ---------------------------------------------------------------------------
// Built-in texts.

export function builtInText(purpose: SingleTextPurpose, channel: Channel, language: Language): TemplateText {
  const texts = builtInTexts[purpose]?.[channel];
  if (!texts) throw new Error(`message ${purpose} is not sent by ${channel}`);
  return texts[language];
}

/** Invitations (P7): several per language, built in and the company's own, each with a name and a stable reference. */
export const builtInKinds = ['book-repair', 'follow-repair', 'book-estimate'] as const;
export type BuiltInKind = (typeof builtInKinds)[number];

export interface NamedText extends TemplateText {
  name: string;
  language: Language;
}

export interface BuiltInInvitation extends NamedText {
  ref: string;
  kind: BuiltInKind;
}

export const builtInRef = (kind: BuiltInKind, language: Language) => `builtin:${kind}:${language}`;

export const builtInInvitations: readonly BuiltInInvitation[] = builtInKinds.flatMap((kind) =>
  (Object.keys(builtInInvitationTexts[kind]!) as Language[]).map((language) => {
    const text: BuiltInText & { name: string } = builtInInvitationTexts[kind]![language];
    return { ref: builtInRef(kind, language), kind, language, ...text };
  }),
);

export function findBuiltInInvitation(ref: string): BuiltInInvitation | undefined {
  return builtInInvitations.find((template) => template.ref === ref);
}

/** The invitation staff most often send, in the customer's language. */
export function defaultInvitationRef(customerLanguage: string): string {
  return builtInRef('book-repair', isLanguage(customerLanguage) ? customerLanguage : 'en');
}

/** "builtin:<kind>:<language>" for a shipped invitation, "own:<id>" for one an admin added. */
export type InvitationRef = { builtIn: BuiltInInvitation } | { ownId: number };

export function parseInvitationRef(ref: string): InvitationRef | undefined {
  const builtIn = findBuiltInInvitation(ref);
  if (builtIn) return { builtIn };
  const own = /^own:([1-9]\d{0,8})$/.exec(ref);
  return own ? { ownId: Number(own[1]) } : undefined;
}

export const ownRef = (id: number) => `own:${id}`;

// ---------------------------------------------------------------------------
// WhatsApp templates. Registered with Meta once per language under `name`,
// the body with {{1}}, {{2}}... where the text has the parameters' tags
// (whatsappTemplateBody prints it). The order of `parameters` is the numbering.

export interface WhatsappTemplateDefinition {
  name: string;
  parameters: readonly TemplateTag[];
}

export const whatsappTemplates: Partial<Record<TemplatePurpose, WhatsappTemplateDefinition>> = {
  // The order is that of the registered templates ({{2}} was [Location] before the one tag set, the same value).
  checkin_reminder: { name: 'checkin_reminder', parameters: ['CustomerName', 'LocationName', 'Date', 'Time', 'Plate', 'CheckinLink', 'LocationPhone'] },
  // W4: opens a new 24-hour window when the customer has not written for a day.
  conversation_followup: { name: 'conversation_followup', parameters: ['CustomerName', 'LocationName', 'Plate', 'Date'] },
};

function whatsappDefinition(purpose: TemplatePurpose): WhatsappTemplateDefinition {
  const definition = whatsappTemplates[purpose];
  if (!definition) throw new Error(`message ${purpose} is not sent by WhatsApp: it has no template`);
  return definition;
}

/**
 * The template message the WhatsApp provider sends for a message: its name,
 * the language (an unknown one reads English) and the values in the
 * template's order. WhatsApp refuses an empty parameter and one with a line
 * break, a tab or more than four spaces in a row: white space is folded and
 * a missing value becomes "-".
 */
export function whatsappTemplate(purpose: TemplatePurpose, language: string, values: TemplateValues): TemplateMessage {
  const { name, parameters } = whatsappDefinition(purpose);
  return {
    name,
    language: isLanguage(language) ? language : 'en',
    parameters: parameters.map((tag) => (values[tag] ?? '').replace(/\s+/g, ' ').trim() || '-'),
  };
}

/** A WhatsApp text as it is registered with Meta: each parameter's tag as {{n}}. */
export function whatsappTemplateBody(purpose: TemplatePurpose, text: string): string {
  const { parameters } = whatsappDefinition(purpose);
  return expandTags(text, Object.fromEntries(parameters.map((tag, index) => [tag, `{{${index + 1}}}`])));
}

/**
 * A WhatsApp text must say what the approved template says: every parameter
 * at least once (WhatsApp fills them all), no other tag (nothing would fill it).
 */
export function whatsappTagProblems(purpose: TemplatePurpose, text: string): { missing: TemplateTag[]; extra: string[] } {
  const { parameters } = whatsappDefinition(purpose);
  const used = tagsIn(text);
  return {
    missing: parameters.filter((tag) => !used.includes(tag)),
    extra: used.filter((tag) => !(parameters as readonly string[]).includes(tag)),
  };
}
