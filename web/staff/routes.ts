import { verify } from '@node-rs/argon2';
import { type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { estimateHours, findLocation, listLocations, saveLocationSettings, type Location } from '../../db/locations';
import { findStaffByEmail } from '../../db/staff';
import { fieldErrors, parseForm } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { createRateLimit } from '../middleware/rateLimit';
import { endSession, rotateSession } from '../middleware/session';
import { render } from '../render';
import { createFlowTypesRouter } from './flowTypes';
import { parseLocationSettings } from './settings';
import { visibleSettings } from './settingsSections';
import { featureRouter } from '../router';

// Verifying against this keeps a login for an unknown e-mail as slow as a wrong password.
const decoyHash = '$argon2id$v=19$m=19456,t=2,p=1$brCRHaJlIFpi9UYSlr04OA$G6hXwzURS5eli1c44KGuFIp1XbUp4pq5Sj5VMN1aZdo';

const loginSchema = z.object({
  email: z.string().trim().min(1, 'required').max(200),
  password: z.string().min(1, 'required').max(200),
  next: z.string().optional(),
});

/** Where staff land after login (W3): the aftersales board, which every role sees. */
export const staffHome = '/staff/board';

/** Only same-site paths under /staff, so the login form cannot redirect elsewhere. */
function safeNext(next: string | undefined): string {
  return next && /^\/staff(\/[\w\-./?=&%]*)?$/.test(next) ? next : staffHome;
}

export function createStaffRouter({ db, secureCookies }: { db: Knex; secureCookies: boolean }) {
  const router = featureRouter();
  // Password guessing: 10 failed logins per client per 15 minutes.
  const loginLimit = createRateLimit({
    db,
    name: 'staff-login',
    limit: 10,
    windowMs: 15 * 60_000,
    failuresOnly: true,
    refuse: (req, res, minutes) =>
      render(req, res, 'staff/views/login', {
        values: { email: req.body?.email ?? '', next: req.body?.next ?? '' },
        errors: { form: 'tooManyLogins' },
        minutes,
      }),
  });

  router.get('/staff/login', (req, res) => {
    if (req.staff) return res.redirect(303, staffHome);
    render(req, res, 'staff/views/login', { values: { next: req.query.next ?? '' }, errors: {} });
  });

  router.post('/staff/login', loginLimit, async (req: Request, res: Response) => {
    const parsed = parseForm(loginSchema, req.body);
    if (!parsed.success) {
      res.status(422);
      return render(req, res, 'staff/views/login', { values: { ...req.body, password: '' }, errors: fieldErrors(parsed.error.issues) });
    }
    const user = await findStaffByEmail(db, parsed.data.email);
    const valid = await verify(user?.password_hash ?? decoyHash, parsed.data.password).catch(() => false);
    if (!user || !user.active || !valid) {
      res.status(401);
      return render(req, res, 'staff/views/login', { values: { ...req.body, password: '' }, errors: { form: 'login' } });
    }
    await rotateSession(req, { keep: false });
    req.session.staffId = user.id;
    req.session.loginAt = Date.now();
    res.redirect(303, safeNext(parsed.data.next));
  });

  router.post('/staff/logout', async (req, res) => {
    await endSession(req, res, secureCookies);
    res.redirect(303, '/staff/login');
  });

  router.use('/staff', requireStaff);

  router.get('/staff', (_req, res) => res.redirect(303, staffHome));

  // Every admin page in sections (the navigation keeps daily work); only the entries this staff member may open.
  router.get('/staff/settings', (req, res, next) => {
    const sections = visibleSettings(req.staff!.role, res.locals.can);
    if (sections.length === 0) {
      res.status(403);
      return next(Object.assign(new Error('no settings for this role'), { status: 403, code: 'forbidden' }));
    }
    render(req, res, 'staff/views/settings', { sections });
  });

  router.use(createFlowTypesRouter({ db }));

  router.get('/staff/settings/locations', requireRole('admin'), async (req, res) => {
    render(req, res, 'staff/views/locations', { locations: await listLocations(db, req.staff!.company_id) });
  });

  async function ownLocation(req: Request): Promise<Location | undefined> {
    const location = await findLocation(db, Number(req.params.id));
    return location?.company_id === req.staff!.company_id ? location : undefined;
  }

  router.get('/staff/settings/locations/:id', requireRole('admin'), async (req, res, next) => {
    const location = await ownLocation(req);
    if (!location) return next();
    const hours = await estimateHours(db, location.id);
    render(req, res, 'staff/views/locationSettings', { location, values: location, hours, errors: {}, saved: req.query.saved === '1' });
  });

  router.post('/staff/settings/locations/:id', requireRole('admin'), async (req, res, next) => {
    const location = await ownLocation(req);
    if (!location) return next();
    const result = parseLocationSettings(req.body);
    if (!result.ok) {
      res.status(422);
      return render(req, res, 'staff/views/locationSettings', {
        location,
        // No weekday ticked sends no field at all: keep that, not the saved days.
        values: { ...location, ...req.body, repair_weekdays: req.body.repair_weekdays ?? [] },
        hours: result.hours,
        errors: result.errors,
        saved: false,
      });
    }
    await saveLocationSettings(db, location.id, result.settings, result.hours);
    res.redirect(303, `/staff/settings/locations/${location.id}?saved=1`);
  });

  return router;
}
