import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { findJobByPlateAndNumber, findPortalJob, type PortalJob } from '../../db/jobs';
import type { Location } from '../../db/locations';
import { portalLocation } from '../portalLocations';
import { fieldErrors, parseForm } from '../errors';
import { createRateLimit } from '../middleware/rateLimit';
import { rotateSession } from '../middleware/session';
import { render } from '../render';

/** What a customer can do once they proved plate + job number (P4, P5, P6). */
export const lookupPurposes = ['status', 'photos', 'repair'] as const;
export type LookupPurpose = (typeof lookupPurposes)[number];

const purposeSetting: Record<LookupPurpose, keyof Location> = {
  status: 'show_follow_repair',
  photos: 'show_add_photos',
  repair: 'show_book_repair',
};

/** The location of a portal page for this purpose, or a 404 page when it is off (P1 settings). */
export async function openPortal(req: Request, res: Response, purpose: LookupPurpose): Promise<Readonly<Location> | undefined> {
  const location = await portalLocation(req);
  if (!lookupPurposes.includes(purpose) || !location?.portal_enabled || !location[purposeSetting[purpose]]) {
    res.status(404);
    render(req, res, 'portal/views/notFound');
    return undefined;
  }
  res.locals.location = location;
  return location;
}

export const lookupSchema = z.object({
  plate: z.string().trim().min(1, 'required').max(20, 'tooLong'),
  jobNumber: z.string().trim().min(1, 'required').max(20, 'tooLong'),
});

/** Failed look-ups per client: enough for typos, too few to probe which jobs exist. */
export function lookupRateLimit(db: Knex, limit: number) {
  return createRateLimit({
    db,
    name: 'job-lookup',
    limit,
    windowMs: 15 * 60_000,
    failuresOnly: true,
    refuse: async (req, res, minutes) => {
      res.locals.location = await portalLocation(req);
      if (!res.locals.location) return void res.end();
      render(req, res, 'status/views/lookup', {
        purpose: req.params.purpose,
        values: req.body ?? {},
        errors: { form: 'tooManyLookups' },
        minutes,
      });
    },
  });
}

/**
 * Checks plate + job number. "Not found" and "wrong pair" give the same
 * answer, so nobody learns which job numbers exist.
 */
export async function lookupJob(db: Knex, location: Location, body: unknown): Promise<{ job: PortalJob } | { errors: Record<string, string> }> {
  const parsed = parseForm(lookupSchema, body);
  if (!parsed.success) return { errors: fieldErrors(parsed.error.issues) };
  const job = await findJobByPlateAndNumber(db, location.company_id, parsed.data.plate, parsed.data.jobNumber);
  return job ? { job } : { errors: { form: 'jobNotFound' } };
}

/** The session remembers which jobs this visitor proved to know, under a new session id. */
export async function grantJob(req: Request, jobId: number): Promise<void> {
  await rotateSession(req, { keep: true });
  const granted = new Set(req.session.portalJobs ?? []);
  granted.add(jobId);
  req.session.portalJobs = [...granted].slice(-20);
}

/** The job behind :jobNumber if this session proved it, else undefined (and the visitor is sent to the look-up). */
export async function grantedJob(db: Knex, req: Request, res: Response, purpose: LookupPurpose): Promise<PortalJob | undefined> {
  for (const jobId of req.session.portalJobs ?? []) {
    const job = await findPortalJob(db, jobId);
    if (job && job.job_number === String(req.params.jobNumber)) return job;
  }
  res.redirect(303, `/p/${req.params.slug}/lookup/${purpose}`);
  return undefined;
}
