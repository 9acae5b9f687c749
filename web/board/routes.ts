import type { Request, Response } from 'express';
import { z } from 'zod';
import { boardCard, saveBoardLocations, setCardColor } from '../../db/board';
import { lastMove, latestBoardEvent } from '../../db/boardEvents';
import type { LifecycleDeps } from '../../clients/jobLifecycle';
import { boardColumns, cardColors } from '../../lib/board';
import { formatCalendarDate } from '../../lib/time';
import { checkboxes, isCalendarDate } from '../../lib/validation';
import type { Refusal } from '../../workflows/jobLifecycle.contract';
import { mayPlan } from '../appointments/page';
import { requireStaff } from '../middleware/auth';
import { render, sendHtml } from '../render';
import { featureRouter, rowId } from '../router';
import { conflictMessage, loadBoard, moveAlert, moveCard, renderCard, withCsrf, type CardAlert, type MoveOutcome } from './service';

const refusals = [
  'needsAppointment',
  'needsVehicleIn',
  'needsWorkStarted',
  'needsFinished',
  'vehicleAlreadyIn',
  'alreadyRecorded',
  'pickedUp',
  'waitingForCustomer',
] as const satisfies readonly Refusal[];

const boardQuery = z
  .object({
    day: z.string().refine(isCalendarDate).optional().catch(undefined),
    filter: z.enum(['waiting']).optional().catch(undefined),
    // what the last move without JS did, for the message above the board
    card: z.string().optional().catch(undefined),
    outcome: z.enum(['moved', 'conflict', 'refused', 'incomplete', 'color']).optional().catch(undefined),
    refusal: z.enum(refusals).optional().catch(undefined),
  })
  .catch({});

const moveForm = z.object({
  column: z.enum(boardColumns),
  from: z.enum(boardColumns),
  back: z.string().optional(),
});

const colorForm = z.object({ color: z.union([z.literal(''), z.enum(cardColors)]) });

const locationsForm = z.object({ location: checkboxes });

/** Only the board (or a page under it, such as a card's conversation) is a place to return to after a move. */
const backTo = (back: string | undefined) => (back && /^\/staff\/board(\/[\w\-/]*)?$/.test(back) ? back : '/staff/board');

/**
 * The aftersales board (W3, W5-W9): the page, moves (D4 through the job's
 * workflow), colour labels and the remembered location filter. Every staff
 * role sees the board and moves cards: mechanics run the floor (vehicle in,
 * waiting, ready); which steps may follow which is D4's to say.
 */
export function createBoardRouter(deps: LifecycleDeps) {
  const { db } = deps;
  const router = featureRouter();
  router.use('/staff/board', requireStaff);

  const isFragment = (req: Request) => req.get('HX-Request') === 'true' && req.get('HX-Boosted') !== 'true';

  /** One card's HTML for this viewer, with their CSRF token. */
  const cardHtml = (req: Request, res: Response, card: Parameters<typeof renderCard>[0], alert?: CardAlert) =>
    withCsrf(renderCard(card, res.locals.t, req.language, alert), res.locals.csrf());

  router.get('/staff/board', async (req, res) => {
    const query = boardQuery.parse(req.query);
    const staff = req.staff!;
    // The stream resumes from the last change before the cards were read: nothing falls in between.
    const lastEvent = await latestBoardEvent(db, staff.company_id);
    const board = await loadBoard(deps, staff, { day: query.day, waitingOnly: query.filter === 'waiting' });
    const t = res.locals.t;
    let alert: CardAlert | undefined;
    let notice: string | undefined;
    const id = rowId(query.card);
    const card = id && query.outcome ? await boardCard(db, staff.company_id, id) : undefined;
    if (card) {
      const name = `${card.first_name} ${card.last_name}`.trim() || t('board.card.noName');
      if (query.outcome === 'moved') notice = t('board.moved', { name, column: t(`board.columns.${card.column}`) });
      else if (query.outcome === 'color') notice = t('board.colored', { name });
      else if (query.outcome === 'conflict') alert = { text: conflictMessage(t, req.language, card, await lastMove(db, card.id)) };
      else if (query.outcome === 'refused' && query.refusal) alert = { text: t(`jobs.refused.${query.refusal}`) };
      else if (query.outcome === 'incomplete') alert = moveAlert(t, req.language, { ok: false, reason: 'incomplete', card });
    }
    const token = res.locals.csrf();
    res.set('Cache-Control', 'no-store');
    render(req, res, 'board/views/board', {
      board,
      columns: board.columns.map((column) => ({ column: column.column, cards: column.cards.map((c) => withCsrf(renderCard(c, t, req.language), token)) })),
      dayLabel: formatCalendarDate(board.day, req.language),
      dayParam: query.day ?? '',
      waitingOnly: query.filter === 'waiting',
      mayPlan: mayPlan(req),
      companyId: staff.company_id,
      lastEvent,
      eventsQuery: new URLSearchParams({ day: board.day, zone: board.zone, ...(query.filter === 'waiting' ? { filter: 'waiting' } : {}) }).toString(),
      alert,
      notice,
    });
  });

  // W8: the locations this staff member's board shows, remembered across logins (none ticked: all).
  router.post('/staff/board/locations', async (req, res) => {
    const parsed = locationsForm.safeParse(req.body);
    const ids = parsed.success ? parsed.data.location.map((value) => rowId(value)).filter((id): id is number => id !== undefined) : [];
    await saveBoardLocations(db, req.staff!, ids.length === 0 ? null : ids);
    res.redirect(303, '/staff/board');
  });

  router.post('/staff/board/cards/:id/move', async (req, res, next) => {
    const id = rowId(req.params.id)!;
    const parsed = moveForm.safeParse(req.body);
    if (!parsed.success) {
      res.status(422);
      return next(Object.assign(new Error('board move: column and from must be board columns'), { status: 422 }));
    }
    const outcome = await moveCard(deps, req.staff!, id, parsed.data);
    if (!outcome.ok && outcome.reason === 'gone') return next();
    if (isFragment(req)) {
      res.vary('HX-Request');
      res.status(statusOf(outcome));
      return sendHtml(req, res, cardHtml(req, res, outcome.card, moveAlert(res.locals.t, req.language, outcome)));
    }
    const back = backTo(parsed.data.back);
    const params = new URLSearchParams({ card: String(id), outcome: outcome.ok ? 'moved' : outcome.reason });
    if (!outcome.ok && outcome.reason === 'refused') params.set('refusal', outcome.refusal);
    res.redirect(303, `${back}?${params}`);
  });

  // W7: a card's colour form, opened in place from its Colour link (htmx) or as a small page without JavaScript.
  router.get('/staff/board/cards/:id/color', async (req, res, next) => {
    const card = await boardCard(db, req.staff!.company_id, rowId(req.params.id)!);
    if (!card) return next();
    const name = `${card.first_name} ${card.last_name}`.trim() || res.locals.t('board.card.noName');
    render(req, res, 'board/views/color', { card, name, token: res.locals.csrf(), colors: cardColors }, 'board/views/_colorForm');
  });

  // W7: a colour label per card.
  router.post('/staff/board/cards/:id/color', async (req, res, next) => {
    const id = rowId(req.params.id)!;
    const parsed = colorForm.safeParse(req.body);
    if (!parsed.success) {
      res.status(422);
      return next(Object.assign(new Error('board colour: not one of the card colours'), { status: 422 }));
    }
    const saved = await setCardColor(db, req.staff!.company_id, id, parsed.data.color || null, req.staff!.id);
    const card = saved ? await boardCard(db, req.staff!.company_id, id) : undefined;
    if (!card) return next();
    if (isFragment(req)) {
      res.vary('HX-Request');
      return sendHtml(req, res, cardHtml(req, res, card));
    }
    res.redirect(303, `/staff/board?card=${id}&outcome=color`);
  });

  return router;
}

function statusOf(outcome: Exclude<MoveOutcome, { reason: 'gone' }>): number {
  if (outcome.ok) return 200;
  return outcome.reason === 'conflict' ? 409 : 422;
}
