import { type Request, type Response } from 'express';
import { z } from 'zod';
import type { PortalJob } from '../../db/jobs';
import type { Location } from '../../db/locations';
import { formatLocalDateTime } from '../../lib/time';
import { render } from '../render';
import type { BookingDeps } from '../booking/service';
import { grantedJob, openPortal } from '../status/lookup';
import { maskEmail, repairClosedReason, repairOptions, requestRepair } from './service';
import { featureRouter } from '../router';

const view = (name: string) => `repair/views/${name}`;
const daySchema = z.object({ slot: z.string().datetime() });

/**
 * P4 repair booking, after plate + job number: choose a day → review →
 * confirm → the same 15-minute e-mail link as an estimate (D1), after which
 * the job has its appointment.
 */
export function createRepairRouter(deps: BookingDeps) {
  const router = featureRouter();
  const { db } = deps;

  async function open(req: Request, res: Response): Promise<{ portal: Location; job: PortalJob; base: string } | undefined> {
    const portal = await openPortal(req, res, 'repair');
    const job = portal && (await grantedJob(db, req, res, 'repair'));
    if (!portal || !job) return undefined;
    res.set('Cache-Control', 'no-store');
    const closed = repairClosedReason(job);
    if (closed) {
      render(req, res, view('notPossible'), { job, reason: closed });
      return undefined;
    }
    return { portal, job, base: `/p/${portal.slug}/repair/${job.job_number}` };
  }

  async function dayStep(req: Request, res: Response, p: { job: PortalJob; base: string }, errors: Record<string, string> = {}) {
    const options = await repairOptions(deps, p.job, req.language);
    const chosen = req.session.repair?.jobId === p.job.id ? req.session.repair : undefined;
    const slotTaken = chosen?.slotTaken ?? false;
    if (chosen) delete chosen.slotTaken;
    if (options.days.length === 0) return render(req, res, view('noSlots'), { job: p.job, chosen: options.location });
    render(req, res, view('days'), {
      job: p.job,
      base: p.base,
      chosen: options.location,
      days: options.days,
      selected: chosen?.slotStart,
      current: p.job.appointment_at ? formatLocalDateTime(p.job.appointment_at, options.location.time_zone, req.language) : '',
      slotTaken,
      errors,
    });
  }

  router.get('/p/:slug/repair/:jobNumber', async (req, res) => {
    const p = await open(req, res);
    if (p) await dayStep(req, res, p);
  });

  router.post('/p/:slug/repair/:jobNumber', async (req, res) => {
    const p = await open(req, res);
    if (!p) return;
    const parsed = daySchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(422);
      return dayStep(req, res, p, { slot: 'repairDay' });
    }
    req.session.repair = { jobId: p.job.id, slotStart: new Date(parsed.data.slot).toISOString() };
    res.redirect(303, `${p.base}/review`);
  });

  router.get('/p/:slug/repair/:jobNumber/review', async (req, res) => {
    const p = await open(req, res);
    if (!p) return;
    const chosen = req.session.repair;
    if (chosen?.jobId !== p.job.id) return res.redirect(303, p.base);
    const { location } = await repairOptions(deps, p.job, req.language);
    const email = await db('customers').join('jobs', 'jobs.customer_id', 'customers.id').where('jobs.id', p.job.id).first('customers.email');
    render(req, res, view('review'), {
      job: p.job,
      base: p.base,
      chosen: location,
      slotLabel: formatLocalDateTime(new Date(chosen.slotStart), location.time_zone, req.language),
      maskedEmail: email?.email ? maskEmail(email.email) : '',
    });
  });

  router.post('/p/:slug/repair/:jobNumber/confirm', async (req, res) => {
    const p = await open(req, res);
    if (!p) return;
    const chosen = req.session.repair;
    if (chosen?.jobId !== p.job.id) return res.redirect(303, p.base);
    const result = await requestRepair(deps, p.job, chosen.slotStart, req.language);
    if (result.status === 'noEmail') return render(req, res, view('notPossible'), { job: p.job, reason: 'noEmail' });
    if (result.status === 'taken') {
      // The day filled up meanwhile: choose another; nothing else was typed.
      req.session.repair = { jobId: p.job.id, slotStart: '', slotTaken: true };
      return res.redirect(303, p.base);
    }
    delete req.session.repair;
    req.session.repairSentTo = maskEmail(result.email);
    res.redirect(303, `${p.base}/sent`);
  });

  router.get('/p/:slug/repair/:jobNumber/sent', async (req, res) => {
    if (!(await openPortal(req, res, 'repair'))) return;
    render(req, res, 'booking/views/sent', { email: req.session.repairSentTo ?? '', minutes: Math.round(deps.linkTtlMs / 60_000) });
  });

  return router;
}
