import type { Knex } from 'knex';
import { builtInTemplates, ownRef, parseTemplateRef, type TemplateText } from '../lib/communicationTemplates';
import type { Language } from '../lib/i18n';

/** P7: templates an admin added (table communication_templates). */
export interface OwnTemplate {
  id: number;
  company_id: number;
  name: string;
  language: Language;
  subject: string;
  body: string;
  created_at: Date;
  updated_at: Date;
}

/** A template as a sender picks it: built-in or own, with its reference ("builtin:…" or "own:<id>"). */
export interface ChosenTemplate extends TemplateText {
  ref: string;
  builtIn: boolean;
}

export type TemplateFields = Pick<OwnTemplate, 'name' | 'language' | 'subject' | 'body'>;

export class TemplateNameTaken extends Error {
  readonly code = 'nameTaken';
}

const isNameTaken = (error: unknown) =>
  (error as { code?: string; constraint?: string }).code === '23505' &&
  (error as { constraint?: string }).constraint === 'communication_templates_name';

export async function listOwnTemplates(db: Knex, companyId: number): Promise<OwnTemplate[]> {
  return db<OwnTemplate>('communication_templates').where({ company_id: companyId }).orderBy([{ column: 'name' }, { column: 'id' }]);
}

export async function findOwnTemplate(db: Knex, companyId: number, id: number): Promise<OwnTemplate | undefined> {
  return db<OwnTemplate>('communication_templates').where({ company_id: companyId, id }).first();
}

/** Throws TemplateNameTaken when the company already has a template of that name. */
export async function createOwnTemplate(db: Knex, companyId: number, fields: TemplateFields): Promise<number> {
  try {
    const [row] = await db('communication_templates').insert({ company_id: companyId, ...fields }).returning('id');
    return row.id;
  } catch (error) {
    if (isNameTaken(error)) throw new TemplateNameTaken('a template with this name exists');
    throw error;
  }
}

export async function updateOwnTemplate(db: Knex, companyId: number, id: number, fields: TemplateFields): Promise<boolean> {
  try {
    const count = await db('communication_templates')
      .where({ company_id: companyId, id })
      .update({ ...fields, updated_at: db.fn.now() });
    return count > 0;
  } catch (error) {
    if (isNameTaken(error)) throw new TemplateNameTaken('a template with this name exists');
    throw error;
  }
}

export async function deleteOwnTemplate(db: Knex, companyId: number, id: number): Promise<boolean> {
  return (await db('communication_templates').where({ company_id: companyId, id }).delete()) > 0;
}

const chosen = (template: OwnTemplate): ChosenTemplate => ({
  ref: ownRef(template.id),
  builtIn: false,
  name: template.name,
  language: template.language,
  subject: template.subject,
  body: template.body,
});

/** Built-in templates first, then the company's own. */
export async function templatesToSend(db: Knex, companyId: number): Promise<ChosenTemplate[]> {
  const own = await listOwnTemplates(db, companyId);
  return [...builtInTemplates.map((t) => ({ ...t, builtIn: true })), ...own.map(chosen)];
}

/** The template behind a reference, if it exists for this company. */
export async function resolveTemplate(db: Knex, companyId: number, ref: string): Promise<ChosenTemplate | undefined> {
  const parsed = parseTemplateRef(ref);
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
