import { type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { findPortalJob, type PortalJob } from '../../db/jobs';
import type { LiveChanges } from '../live';
import { eta, render } from '../render';
import { timeline } from '../jobs/timeline';
import { grantJob, grantedJob, lookupJob, lookupRateLimit, openPortal, type LookupPurpose } from './lookup';
import { featureRouter } from '../router';

/** Plate + job number look-up (P4-P6) and the live repair status page (P5). */
export function createStatusRouter({ db, changes, lookupLimit }: { db: Knex; changes: LiveChanges; lookupLimit: number }) {
  const router = featureRouter();
  const limit = lookupRateLimit(db, lookupLimit);

  router.get('/p/:slug/lookup/:purpose', async (req, res) => {
    const purpose = req.params.purpose as LookupPurpose;
    if (!(await openPortal(req, res, purpose))) return;
    // Invitation links (P7) carry the job number; the customer still types the plate.
    const jobNumber = typeof req.query.job === 'string' ? req.query.job.slice(0, 20) : '';
    render(req, res, 'status/views/lookup', { purpose, values: { jobNumber }, errors: {} });
  });

  router.post('/p/:slug/lookup/:purpose', limit, async (req, res) => {
    const purpose = req.params.purpose as LookupPurpose;
    const location = await openPortal(req, res, purpose);
    if (!location) return;
    const result = await lookupJob(db, location, req.body);
    if ('errors' in result) {
      res.status(result.errors.form ? 404 : 422);
      return render(req, res, 'status/views/lookup', { purpose, values: req.body, errors: result.errors });
    }
    await grantJob(req, result.job.id);
    res.redirect(303, `/p/${location.slug}/${purpose}/${result.job.job_number}`);
  });

  const timelineData = (req: Request, res: Response, job: PortalJob) => ({
    t: res.locals.t,
    customer: true,
    steps: timeline(job, job.work_started_source, job.time_zone, req.language),
  });

  router.get('/p/:slug/status/:jobNumber', async (req, res) => {
    if (!(await openPortal(req, res, 'status'))) return;
    const job = await grantedJob(db, req, res, 'status');
    if (!job) return;
    res.set('Cache-Control', 'no-store');
    render(req, res, 'status/views/status', { job, ...timelineData(req, res, job) });
  });

  // One change notifies every open page of the job at once: they share one read of it, and the pages in
  // one language one rendering of its timeline, as the bytes of one event written to each (render once, write many).
  interface Change {
    job: PortalJob | undefined;
    events: Map<string, Buffer>;
  }
  const reading = new Map<number, Promise<Change>>();
  const freshJob = (jobId: number) => {
    let read = reading.get(jobId);
    if (!read) {
      read = findPortalJob(db, jobId)
        .then((job) => ({ job, events: new Map<string, Buffer>() }))
        .finally(() => reading.delete(jobId));
      reading.set(jobId, read);
    }
    return read;
  };
  const timelineEvent = (req: Request, res: Response, change: Change & { job: PortalJob }) => {
    let event = change.events.get(req.language);
    if (!event) {
      const html = eta.render('/jobs/views/_timeline', timelineData(req, res, change.job));
      event = Buffer.from(`event: timeline\ndata: ${html.replace(/\n/g, '\ndata: ')}\n\n`);
      change.events.set(req.language, event);
    }
    return event;
  };

  // Server-sent events: the timeline again each time the job changes.
  router.get('/p/:slug/status/:jobNumber/events', async (req, res) => {
    const job = await grantedJob(db, req, res, 'status');
    if (!job) return;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': connected\n\n');
    const send = async () => {
      const change = await freshJob(job.id);
      if (!change.job) return;
      res.write(timelineEvent(req, res, change as Change & { job: PortalJob }));
    };
    const unsubscribe = changes.subscribe(job.id, () => void send().catch(() => undefined));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  return router;
}
