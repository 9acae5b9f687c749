import type { Knex } from 'knex';
import { isLanguage, type Language } from '../lib/i18n';
import type { Channel } from '../lib/messaging';
import {
  builtInInvitations,
  builtInText,
  ownRef,
  parseInvitationRef,
  templateValues,
  type NamedText,
  type SingleTextPurpose,
  type TemplateText,
  type TemplateValues,
} from '../lib/templates';

// The company's own customer texts (table company_templates), one template
// system for every purpose (lib/templates.ts): one text per purpose ×
// channel × language, or, for invitations, any number of named ones. No row
// means the built-in text.

export interface TextKey {
  purpose: SingleTextPurpose;
  channel: Channel;
  language: Language;
}

/** The company's own text or the built-in one, for purpose × channel × language (an unknown language reads English). */
export async function companyText(
  db: Knex,
  companyId: number,
  purpose: SingleTextPurpose,
  channel: Channel,
  language: string,
): Promise<TemplateText & { custom: boolean }> {
  const lang: Language = isLanguage(language) ? language : 'en';
  const own = await db('company_templates').where({ company_id: companyId, purpose, channel, language: lang }).first('subject', 'body');
  if (own) return { subject: own.subject, body: own.body, custom: true };
  return { ...builtInText(purpose, channel, lang), custom: false };
}

export interface CustomText extends TextKey {
  updated_at: Date;
  updated_by_name: string | null;
}

/** Which texts the company replaced, and who last changed them (invitations are listed by listOwnTemplates). */
export async function customTexts(db: Knex, companyId: number): Promise<CustomText[]> {
  return db('company_templates')
    .leftJoin('staff_users', 'staff_users.id', 'company_templates.updated_by')
    .where('company_templates.company_id', companyId)
    .whereNot('company_templates.purpose', 'invitation')
    .select('purpose', 'channel', 'language', 'company_templates.updated_at', 'staff_users.name as updated_by_name');
}

export async function saveText(db: Knex, companyId: number, key: TextKey, text: TemplateText, staffId: number): Promise<void> {
  await db('company_templates')
    .insert({ company_id: companyId, ...key, subject: key.channel === 'email' ? text.subject : '', body: text.body, updated_by: staffId })
    .onConflict(db.raw(`(company_id, purpose, channel, language) where purpose <> 'invitation'`))
    .merge({ subject: key.channel === 'email' ? text.subject : '', body: text.body, updated_by: staffId, updated_at: db.fn.now() });
}

/** Back to the built-in text. */
export async function resetText(db: Knex, companyId: number, key: TextKey): Promise<void> {
  await db('company_templates').where({ company_id: companyId, ...key }).delete();
}

// ---------------------------------------------------------------------------
// Invitations (P7): several per company, each with a name, e-mail only.

export interface OwnTemplate extends NamedText {
  id: number;
  company_id: number;
  created_at: Date;
  updated_at: Date;
}

/** An invitation as a sender picks it: built-in or own, with its reference ("builtin:…" or "own:<id>"). */
export interface ChosenTemplate extends NamedText {
  ref: string;
  builtIn: boolean;
}

export type TemplateFields = Pick<OwnTemplate, 'name' | 'language' | 'subject' | 'body'>;

export class TemplateNameTaken extends Error {
  readonly code = 'nameTaken';
}

const isNameTaken = (error: unknown) =>
  (error as { code?: string; constraint?: string }).code === '23505' && (error as { constraint?: string }).constraint === 'company_templates_name';

const invitations = (db: Knex, companyId: number) =>
  db('company_templates')
    .where({ company_id: companyId, purpose: 'invitation' })
    .select('id', 'company_id', 'name', 'language', 'subject', 'body', 'created_at', 'updated_at');

export async function listOwnTemplates(db: Knex, companyId: number): Promise<OwnTemplate[]> {
  return invitations(db, companyId).orderBy([{ column: 'name' }, { column: 'id' }]);
}

export async function findOwnTemplate(db: Knex, companyId: number, id: number): Promise<OwnTemplate | undefined> {
  return invitations(db, companyId).where({ id }).first<OwnTemplate | undefined>();
}

/** Throws TemplateNameTaken when the company already has an invitation of that name. */
export async function createOwnTemplate(db: Knex, companyId: number, fields: TemplateFields, staffId?: number): Promise<number> {
  try {
    const [row] = await db('company_templates')
      .insert({ company_id: companyId, purpose: 'invitation', channel: 'email', ...fields, updated_by: staffId ?? null })
      .returning('id');
    return row.id;
  } catch (error) {
    if (isNameTaken(error)) throw new TemplateNameTaken('a template with this name exists');
    throw error;
  }
}

export async function updateOwnTemplate(db: Knex, companyId: number, id: number, fields: TemplateFields, staffId?: number): Promise<boolean> {
  try {
    const count = await db('company_templates')
      .where({ company_id: companyId, id, purpose: 'invitation' })
      .update({ ...fields, updated_at: db.fn.now(), updated_by: staffId ?? null });
    return count > 0;
  } catch (error) {
    if (isNameTaken(error)) throw new TemplateNameTaken('a template with this name exists');
    throw error;
  }
}

export async function deleteOwnTemplate(db: Knex, companyId: number, id: number): Promise<boolean> {
  return (await db('company_templates').where({ company_id: companyId, id, purpose: 'invitation' }).delete()) > 0;
}

const chosen = (template: OwnTemplate): ChosenTemplate => ({
  ref: ownRef(template.id),
  builtIn: false,
  name: template.name,
  language: template.language,
  subject: template.subject,
  body: template.body,
});

/** Built-in invitations first, then the company's own. */
export async function templatesToSend(db: Knex, companyId: number): Promise<ChosenTemplate[]> {
  const own = await listOwnTemplates(db, companyId);
  return [...builtInInvitations.map((t) => ({ ...t, builtIn: true })), ...own.map(chosen)];
}

/** The invitation behind a reference, if it exists for this company. */
export async function resolveTemplate(db: Knex, companyId: number, ref: string): Promise<ChosenTemplate | undefined> {
  const parsed = parseInvitationRef(ref);
  if (!parsed) return undefined;
  if ('builtIn' in parsed) return { ...parsed.builtIn, builtIn: true };
  const own = await findOwnTemplate(db, companyId, parsed.ownId);
  return own && chosen(own);
}

/** What an invitation needs to know about a job: its customer, vehicle and location. */
export interface InvitationJob {
  id: number;
  company_id: number;
  job_number: string;
  customer_id: number;
  first_name: string;
  last_name: string;
  email: string;
  customer_language: string;
  plate: string;
  location_slug: string;
  location_name: string;
  location_phone: string;
  time_zone: string;
}

function invitationJobs(db: Knex) {
  return db('jobs')
    .join('customers', 'customers.id', 'jobs.customer_id')
    .join('vehicles', 'vehicles.id', 'jobs.vehicle_id')
    .join('locations', 'locations.id', 'jobs.location_id')
    .select(
      'jobs.id',
      'jobs.company_id',
      'jobs.job_number',
      'jobs.customer_id',
      'customers.first_name',
      'customers.last_name',
      'customers.email',
      'customers.language as customer_language',
      'vehicles.plate',
      'locations.slug as location_slug',
      'locations.name as location_name',
      'locations.phone as location_phone',
      'locations.time_zone',
    );
}

export async function findInvitationJob(db: Knex, companyId: number, jobNumber: string): Promise<InvitationJob | undefined> {
  return invitationJobs(db).where({ 'jobs.company_id': companyId, 'jobs.job_number': jobNumber }).first();
}

export async function findInvitationJobById(db: Knex, jobId: number): Promise<InvitationJob | undefined> {
  return invitationJobs(db).where('jobs.id', jobId).first();
}

/** An invitation's tag values: the job's customer, vehicle and location, the location's portal links in the template's language. */
export function invitationValues(publicUrl: string, job: InvitationJob, language: string): TemplateValues {
  return templateValues({
    publicUrl,
    language,
    customer: { firstName: job.first_name, lastName: job.last_name },
    jobNumber: job.job_number,
    plate: job.plate,
    location: { slug: job.location_slug, name: job.location_name, phone: job.location_phone, timeZone: job.time_zone },
  });
}
