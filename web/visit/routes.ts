import type { Request, Response } from 'express';
import type { i18n } from 'i18next';
import type { OwnVisit } from '../../db/appointmentLinks';
import { fixedT, isLanguage } from '../../lib/i18n';
import { render } from '../render';
import { featureRouter } from '../router';
import {
  cancelOwnAppointment,
  changeable,
  freeSlots,
  moveOwnAppointment,
  offeredSlot,
  ownVisitCalendar,
  slotsByDay,
  visitByToken,
  visitTimes,
  type OwnChangeOutcome,
  type VisitDeps,
} from './service';

const view = (name: string) => `visit/views/${name}`;

interface Loaded {
  visit: OwnVisit;
  base: string;
  open: boolean;
}

/** The visit of the link, in its customer's language unless they chose one; the "unknown link" page when there is none. */
async function load(deps: VisitDeps & { i18n: i18n }, req: Request, res: Response): Promise<Loaded | undefined> {
  // The token is the customer's key: never cached, never sent on in a Referer.
  res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
  const visit = await visitByToken(deps.db, String(req.params.token));
  if (!visit) {
    res.status(404);
    render(req, res, view('invalid'));
    return undefined;
  }
  if (!isLanguage(req.query.lang) && !isLanguage(req.cookies?.lang) && isLanguage(visit.language)) {
    req.language = visit.language;
    res.locals.lang = visit.language;
    res.locals.t = fixedT(deps.i18n, visit.language);
  }
  const base = `/v/${String(req.params.token)}`;
  const open = changeable(visit);
  Object.assign(res.locals, {
    base,
    visit,
    open,
    when: visitTimes(visit, visit.time_zone, req.language),
    phoneHref: visit.location_phone.replace(/[^+0-9]/g, ''),
  });
  return { visit, base, open };
}

/** A refused change: the visit page (or the move list) with what happened, in the customer's words. */
async function refused(deps: VisitDeps & { i18n: i18n }, req: Request, res: Response, outcome: Exclude<OwnChangeOutcome, 'done'>) {
  // Read the visit again: the refusal may be because it changed meanwhile.
  const again = await load(deps, req, res);
  if (!again) return;
  res.status(409);
  if ((outcome === 'full' || outcome === 'notOffered') && again.open) {
    return render(req, res, view('move'), { days: slotsByDay(await freeSlots(deps.db, again.visit), again.visit.time_zone, req.language), notice: outcome });
  }
  render(req, res, view('visit'), { notice: outcome });
}

/**
 * B1: the customer's own page of an appointment (`/v/<token>`, the link of
 * every confirmation): the visit, its .ics, and until the location's cut-off
 * *Move* (a free slot of the same kind, then confirm) and *Cancel* (confirm).
 * Reading changes nothing (mail scanners open links); changes are form posts
 * with the CSRF token, each followed by a redirect (PRG). No JavaScript needed.
 */
export function createVisitRouter(deps: VisitDeps & { i18n: i18n }) {
  const router = featureRouter();
  const { db, publicUrl } = deps;

  router.get('/v/:token', async (req, res) => {
    const v = await load(deps, req, res);
    if (!v) return;
    const done = req.query.done === 'moved' || req.query.done === 'cancelled' ? req.query.done : undefined;
    render(req, res, view('visit'), { done });
  });

  router.get('/v/:token/calendar.ics', async (req, res) => {
    const v = await load(deps, req, res);
    if (!v) return;
    const ics = ownVisitCalendar(v.visit, res.locals.t, publicUrl, `${publicUrl}${v.base}`);
    res.type('text/calendar; charset=utf-8').set('Content-Disposition', `attachment; filename="appointment-${v.visit.id}.ics"`).send(ics);
  });

  router.get('/v/:token/move', async (req, res) => {
    const v = await load(deps, req, res);
    if (!v) return;
    if (!v.open) return res.redirect(303, v.base);
    render(req, res, view('move'), { days: slotsByDay(await freeSlots(db, v.visit), v.visit.time_zone, req.language) });
  });

  // Picking a slot is a GET (nothing changes yet): the next page asks to confirm.
  router.get('/v/:token/move/confirm', async (req, res) => {
    const v = await load(deps, req, res);
    if (!v) return;
    if (!v.open) return res.redirect(303, v.base);
    const slot = await offeredSlot(db, v.visit, req.query.start);
    if (!slot) {
      res.status(req.query.start === undefined ? 200 : 409);
      return render(req, res, view('move'), {
        days: slotsByDay(await freeSlots(db, v.visit), v.visit.time_zone, req.language),
        notice: req.query.start === undefined ? 'pick' : 'notOffered',
      });
    }
    render(req, res, view('confirmMove'), { start: slot.start.toISOString(), next: visitTimes({ starts_at: slot.start, ends_at: slot.end }, v.visit.time_zone, req.language) });
  });

  router.post('/v/:token/move', async (req, res) => {
    const v = await load(deps, req, res);
    if (!v) return;
    const outcome = await moveOwnAppointment(deps, v.visit, req.body?.start);
    if (outcome !== 'done') return refused(deps, req, res, outcome);
    res.redirect(303, `${v.base}?done=moved`);
  });

  router.get('/v/:token/cancel', async (req, res) => {
    const v = await load(deps, req, res);
    if (!v) return;
    if (!v.open) return res.redirect(303, v.base);
    render(req, res, view('confirmCancel'));
  });

  router.post('/v/:token/cancel', async (req, res) => {
    const v = await load(deps, req, res);
    if (!v) return;
    const outcome = await cancelOwnAppointment(deps, v.visit);
    if (outcome !== 'done') return refused(deps, req, res, outcome);
    res.redirect(303, `${v.base}?done=cancelled`);
  });

  return router;
}
