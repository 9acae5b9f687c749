import { type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { findJobByNumber, listJobs, snapshotOf, vehiclesOnSite, type JobDetail } from '../../db/jobs';
import { findPhoto, photoCompany, photosOfJob } from '../../db/photos';
import { formatLocalDateTimeShort } from '../../lib/time';
import { jobEventTypes, type Refusal } from '../../workflows/jobLifecycle.contract';
import { requireStaff } from '../middleware/auth';
import { render } from '../render';
import { photoFilePath } from '../../lib/uploadFiles';
import { sendUpload } from '../uploads';
import { advanceJob, type LifecycleDeps } from '../../clients/jobLifecycle';
import { isLocalDateTime } from '../../lib/validation';
import { allowedEvents, timeline } from './timeline';
import { featureRouter } from '../router';
import { formatListCursor, parseListCursor, type ListCursor } from '../../lib/listCursor';

/** Rows per page of the jobs list. */
const jobsPerPage = 50;

const stepSchema = z.object({
  type: z.enum(jobEventTypes),
  at: z.string().refine(isLocalDateTime, 'dateTime'),
});

/** "2026-11-24T09:30" in the location's zone, as the datetime-local input shows it. */
const localInput = (date: Date, zone: string) => DateTime.fromJSDate(date, { zone }).toFormat("yyyy-LL-dd'T'HH:mm");

/** Staff job pages: list with live search, job page with its D4 lifecycle, vehicles on site (P8), photos. */
export function createJobsRouter(deps: LifecycleDeps & { uploadDir: string }) {
  const { db } = deps;
  const router = featureRouter();
  router.use('/staff', requireStaff);

  router.get('/staff/jobs', async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const before = parseListCursor(req.query.before);
    const { jobs, next } = await listJobs(db, req.staff!.company_id, { search: q, before, limit: jobsPerPage });
    // The template asks for each row's label: no copy of the fifty rows to add it.
    const estimateLabel = (job: (typeof jobs)[number]) => (job.estimate_at ? formatLocalDateTimeShort(job.estimate_at, job.time_zone, req.language) : '');
    // The pager keeps the search: a plain link, so it works without JavaScript (and boosted with it).
    const pageUrl = (cursor?: ListCursor) => {
      const params = new URLSearchParams();
      if (q) params.set('q', q);
      if (cursor) params.set('before', formatListCursor(cursor));
      const query = params.toString();
      return `/staff/jobs${query ? `?${query}` : ''}`;
    };
    render(
      req,
      res,
      'jobs/views/jobs',
      { jobs, estimateLabel, q, olderUrl: next ? pageUrl(next) : '', newestUrl: before ? pageUrl() : '' },
      'jobs/views/_jobRows',
    );
  });

  async function jobPage(req: Request, res: Response, job: JobDetail, errors: Record<string, string> = {}, values: Record<string, string> = {}) {
    const photos = await photosOfJob(db, job.id);
    const fmt = (date: Date | null) => (date ? formatLocalDateTimeShort(date, job.time_zone, req.language) : '');
    render(req, res, 'jobs/views/job', {
      job,
      photos,
      estimateLabel: fmt(job.estimate_at),
      consentLabel: fmt(job.gdpr_consent_at),
      steps: timeline(job, job.work_started_source, job.time_zone, req.language),
      actions: allowedEvents(snapshotOf(job)),
      now: values.at ?? localInput(new Date(), job.time_zone),
      errors,
      done: typeof req.query.done === 'string' ? req.query.done : '',
    });
  }

  router.get('/staff/jobs/:number', async (req, res, next) => {
    const job = await findJobByNumber(db, req.staff!.company_id, String(req.params.number));
    if (!job) return next();
    await jobPage(req, res, job);
  });

  router.post('/staff/jobs/:number/steps', async (req, res, next) => {
    const job = await findJobByNumber(db, req.staff!.company_id, String(req.params.number));
    if (!job) return next();
    const parsed = stepSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(422);
      return jobPage(req, res, job, { step: 'dateTime' }, req.body);
    }
    const at = DateTime.fromISO(parsed.data.at, { zone: job.time_zone });
    const result = await advanceJob(deps, job, { type: parsed.data.type, at: at.toUTC().toISO()! });
    if (!result.ok) {
      res.status(409);
      const refused = await findJobByNumber(db, req.staff!.company_id, job.job_number);
      return jobPage(req, res, refused!, { step: `refused.${result.refusal satisfies Refusal}` }, req.body);
    }
    res.redirect(303, `/staff/jobs/${job.job_number}?done=${parsed.data.type}`);
  });

  router.get('/staff/on-site', async (req, res) => {
    const rows = await vehiclesOnSite(db, req.staff!.company_id);
    render(req, res, 'jobs/views/onSite', {
      vehicles: rows.map((row) => ({
        ...row,
        inLabel: row.vehicle_in_at ? formatLocalDateTimeShort(row.vehicle_in_at, row.time_zone, req.language) : '',
        plannedEndLabel: row.planned_end_at ? formatLocalDateTimeShort(row.planned_end_at, row.time_zone, req.language) : '',
      })),
    });
  });

  router.get('/staff/photos/:photoId/:size', async (req, res, next) => {
    const photo = await findPhoto(db, String(req.params.photoId));
    if (!photo || (await photoCompany(db, photo.id)) !== req.staff!.company_id) return next();
    const thumb = req.params.size === 'thumb';
    const file = photoFilePath(deps.uploadDir, thumb ? photo.thumbnail_path : photo.path);
    sendUpload(res, next, deps.uploadDir, file, { type: thumb ? 'image/webp' : photo.content_type, cacheControl: 'private, max-age=86400' });
  });

  return router;
}
