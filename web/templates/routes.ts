import { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  createOwnTemplate,
  deleteOwnTemplate,
  findInvitationJob,
  findOwnTemplate,
  resolveTemplate,
  templatesToSend,
  TemplateNameTaken,
  updateOwnTemplate,
  invitationValues,
  type InvitationJob,
  type TemplateFields,
} from '../../db/templates';
import { listLocations } from '../../db/locations';
import { messagesForJob } from '../../db/messages';
import { defaultInvitationRef, parseInvitationRef, purposeTags } from '../../lib/templates';
import { isLanguage, languageNames, languages, type Language } from '../../lib/i18n';
import { formatLocalDateTimeShort } from '../../lib/time';
import { invitationMessageKey } from '../../workflows/invitation.contract';
import type { Role } from '../../db/staff';
import { fieldErrors, type FieldErrors, parseForm } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import { preview, queueInvitation, sampleValues, type InvitationDeps } from './service';
import { featureRouter } from '../router';

/** Who may send a customer an invitation (the job page hides the section from the others too). */
export const inviteRoles: Role[] = ['admin', 'service_advisor', 'receptionist'];

const templateSchema = z.object({
  name: z.string({ error: 'nameRequired' }).trim().min(1, 'nameRequired').max(100, 'tooLong'),
  language: z.enum(languages, { error: 'language' }),
  subject: z.string({ error: 'subjectRequired' }).trim().min(1, 'subjectRequired').max(200, 'tooLong'),
  body: z.string({ error: 'bodyRequired' }).trim().min(1, 'bodyRequired').max(10_000, 'tooLong'),
});

const sendSchema = z.object({ template: z.string({ error: 'unknownTemplate' }).max(40).refine((ref) => parseInvitationRef(ref), 'unknownTemplate') });
const queuedSchema = z.uuid().optional().catch(undefined);

const languageOptions = languages.map((code) => ({ code, name: languageNames[code] }));
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * P7: communication templates. Admins keep their own next to the built-in
 * ones; staff at the desk send one from a job page as an invitation to the
 * customer's portal links.
 */
export function createTemplatesRouter(deps: InvitationDeps) {
  const { db, publicUrl } = deps;
  const router = featureRouter();
  const mayInvite = [requireStaff, requireRole(...inviteRoles)];
  const admin = [requireStaff, requireRole('admin')];

  // --- sending from a job ---------------------------------------------------

  const ownJob = (req: Request) => findInvitationJob(db, req.staff!.company_id, String(req.params.number));

  async function messageList(req: Request, job: InvitationJob, queued: string | undefined) {
    const rows = await messagesForJob(db, job.id);
    return {
      queued,
      // Polls itself while a message is on its way, so "sending" turns into "sent" (or "not delivered") without a reload.
      pending: rows.some((row) => row.status === 'queued' || row.status === 'sending') || (!!queued && !rows.some((row) => row.idempotency_key === invitationMessageKey(queued))),
      rows: rows.map((row) => ({
        ...row,
        whenLabel: formatLocalDateTimeShort(row.sent_at ?? row.created_at, job.time_zone, req.language),
      })),
    };
  }

  async function invitePage(req: Request, res: Response, job: InvitationJob, chosen: { ref?: string; queued?: string; error?: string }) {
    const templates = await templatesToSend(db, req.staff!.company_id);
    const selected =
      templates.find((template) => template.ref === chosen.ref) ??
      templates.find((template) => template.ref === defaultInvitationRef(job.customer_language))!;
    const invite = {
      templates: { builtIn: templates.filter((template) => template.builtIn), own: templates.filter((template) => !template.builtIn) },
      selected,
      preview: preview(selected, invitationValues(publicUrl, job, selected.language)),
      recipient: job.email,
      queuedTo: chosen.queued ? job.email : '',
      error: chosen.error ?? '',
      messages: await messageList(req, job, chosen.queued),
    };
    render(req, res, 'templates/views/invite', { job, invite }, 'jobs/views/_invite');
  }

  router.get('/staff/jobs/:number/invite', mayInvite, async (req: Request, res: Response, next: NextFunction) => {
    const job = await ownJob(req);
    if (!job) return next();
    await invitePage(req, res, job, { ref: text(req.query.template), queued: queuedSchema.parse(req.query.queued) });
  });

  router.get('/staff/jobs/:number/messages', mayInvite, async (req: Request, res: Response, next: NextFunction) => {
    const job = await ownJob(req);
    if (!job) return next();
    res.vary('HX-Request');
    render(req, res, 'templates/views/_messages', { job, messages: await messageList(req, job, queuedSchema.parse(req.query.queued)) });
  });

  router.post('/staff/jobs/:number/invitations', mayInvite, async (req: Request, res: Response, next: NextFunction) => {
    const job = await ownJob(req);
    if (!job) return next();
    const parsed = parseForm(sendSchema, req.body);
    const template = parsed.success ? await resolveTemplate(db, req.staff!.company_id, parsed.data.template) : undefined;
    if (!template) {
      res.status(422);
      return invitePage(req, res, job, { error: 'unknownTemplate' });
    }
    const result = await queueInvitation(deps, job, template);
    if (!result.queued) {
      res.status(422);
      return invitePage(req, res, job, { ref: template.ref, error: result.error });
    }
    req.log.info({ workflowId: `invitation-${result.invitationId}`, job: job.job_number, template: template.ref }, 'invitation queued');
    const query = new URLSearchParams({ template: template.ref, queued: result.invitationId });
    res.redirect(303, `/staff/jobs/${encodeURIComponent(job.job_number)}/invite?${query}`);
  });

  // --- admin: the company's own invitations ------------------------------------
  // Listed in the invitation section of the one texts page (/staff/settings/messages,
  // web/messaging); the old "Templates" page and its forms moved there.

  const textsPage = '/staff/settings/messages';
  const invitationsBase = `${textsPage}/invitation`;
  const queryOf = (req: Request) => (req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '');
  router.get('/staff/settings/templates', (_req: Request, res: Response) => res.redirect(301, `${textsPage}#purpose-invitation`));
  router.get('/staff/settings/templates/new', (req: Request, res: Response) => res.redirect(301, `${invitationsBase}/new${queryOf(req)}`));
  router.get('/staff/settings/templates/:id', (req: Request, res: Response) => res.redirect(301, `${invitationsBase}/${req.params.id}`));

  async function formPage(
    req: Request,
    res: Response,
    form: { id?: number; values: Record<string, string>; errors?: FieldErrors },
  ) {
    const values = form.values;
    const language: Language = isLanguage(values.language) ? values.language : req.language;
    const [location] = await listLocations(db, req.staff!.company_id);
    const [firstName = '', ...lastName] = String(res.locals.t('templates.preview.sampleCustomer')).split(' ');
    const sample = sampleValues(publicUrl, location, language, { firstName, lastName: lastName.join(' ') });
    render(req, res, 'templates/views/templateForm', {
      id: form.id,
      action: form.id ? `${invitationsBase}/${form.id}` : invitationsBase,
      values,
      errors: form.errors ?? {},
      languageOptions,
      tags: purposeTags.invitation,
      preview: values.subject || values.body ? preview({ subject: values.subject ?? '', body: values.body ?? '' }, sample) : undefined,
      sampleLocation: sample.LocationName,
    });
  }

  const formValues = (body: unknown): Record<string, string> => {
    const b = (body ?? {}) as Record<string, unknown>;
    return { name: text(b.name), language: text(b.language), subject: text(b.subject), body: text(b.body) };
  };

  /** Validates and saves, or re-renders the form with what was typed (also for "Preview"). */
  async function saveForm(req: Request, res: Response, id: number | undefined) {
    const values = formValues(req.body);
    if (req.body?.action === 'preview') return formPage(req, res, { id, values });
    const parsed = parseForm(templateSchema, values);
    if (!parsed.success) {
      res.status(422);
      return formPage(req, res, { id, values, errors: fieldErrors(parsed.error.issues) });
    }
    const fields: TemplateFields = parsed.data;
    try {
      if (id === undefined) await createOwnTemplate(db, req.staff!.company_id, fields, req.staff!.id);
      else if (!(await updateOwnTemplate(db, req.staff!.company_id, id, fields, req.staff!.id))) return res.redirect(303, `${textsPage}#purpose-invitation`);
    } catch (error) {
      if (!(error instanceof TemplateNameTaken)) throw error;
      res.status(422);
      return formPage(req, res, { id, values, errors: { name: error.code } });
    }
    res.redirect(303, `${textsPage}?done=invitationSaved#purpose-invitation`);
  }

  router.get(`${invitationsBase}/new`, admin, async (req: Request, res: Response) => {
    // "Copy": a built-in or own template as the start of a new one.
    const from = text(req.query.from);
    const source = from ? await resolveTemplate(db, req.staff!.company_id, from) : undefined;
    const values = source
      ? { name: res.locals.t('templates.copyName', { name: source.name }), language: source.language, subject: source.subject, body: source.body }
      : { name: '', language: req.language, subject: '', body: '' };
    await formPage(req, res, { values });
  });

  router.post(invitationsBase, admin, (req: Request, res: Response) => saveForm(req, res, undefined));

  const templateId = (req: Request) => {
    const id = Number(req.params.id);
    return Number.isSafeInteger(id) && id > 0 && id < 2 ** 31 ? id : undefined;
  };

  router.get(`${invitationsBase}/:id`, admin, async (req: Request, res: Response, next: NextFunction) => {
    const id = templateId(req);
    const template = id && (await findOwnTemplate(db, req.staff!.company_id, id));
    if (!template) return next();
    await formPage(req, res, { id: template.id, values: formValues(template) });
  });

  router.post(`${invitationsBase}/:id`, admin, async (req: Request, res: Response, next: NextFunction) => {
    const id = templateId(req);
    if (!id || !(await findOwnTemplate(db, req.staff!.company_id, id))) return next();
    await saveForm(req, res, id);
  });

  router.post(`${invitationsBase}/:id/delete`, admin, async (req: Request, res: Response, next: NextFunction) => {
    const id = templateId(req);
    if (!id || !(await deleteOwnTemplate(db, req.staff!.company_id, id))) return next();
    res.redirect(303, `${textsPage}?done=invitationDeleted#purpose-invitation`);
  });

  return router;
}
