import type { TFunction } from 'i18next';
import { DateTime } from 'luxon';
import { findCustomer } from '../../db/appointments';
import { boardCard, boardCards, boardLocationsOf, withCardLock, type BoardCard } from '../../db/board';
import { lastMove, recordBoardChange } from '../../db/boardEvents';
import { createStaffJob, findPortalJob, snapshotOf, type CreatedStaffJob } from '../../db/jobs';
import { listLocations } from '../../db/locations';
import { advanceJob, type LifecycleDeps } from '../../clients/jobLifecycle';
import { boardColumns, cardColors, eventsForMove, type BoardColumn } from '../../lib/board';
import type { JobSnapshot, Refusal } from '../../workflows/jobLifecycle.contract';
import { startJob } from '../jobs/service';
import { eta } from '../render';

interface Staff {
  id: number;
  company_id: number;
}

export interface BoardFilter {
  /** ISO date; today in the company's zone when absent */
  day?: string;
  waitingOnly: boolean;
}

/**
 * The board of a staff member (W3): the day's cards of the locations they
 * chose (W8, remembered; all when none chosen), by column.
 */
export async function loadBoard(deps: LifecycleDeps, staff: Staff, filter: BoardFilter) {
  const locations = await listLocations(deps.db, staff.company_id);
  const saved = await boardLocationsOf(deps.db, staff.id);
  const chosen = saved === null ? locations : locations.filter((l) => saved.includes(l.id));
  // The board's day as its (first) location counts it.
  const zone = (chosen[0] ?? locations[0])?.time_zone ?? 'Europe/Brussels';
  const day = filter.day ?? DateTime.now().setZone(zone).toISODate()!;
  const cards = await boardCards(deps.db, staff.company_id, { locationIds: chosen.map((l) => l.id), day, zone, waitingOnly: filter.waitingOnly });
  return {
    day,
    zone,
    locations: locations.map((l) => ({ id: l.id, name: l.name, chosen: chosen.includes(l) })),
    cards,
    columns: boardColumns.map((column) => ({ column, cards: cards.filter((card) => card.column === column) })),
  };
}

export type MoveOutcome =
  | { ok: true; card: BoardCard }
  | { ok: false; reason: 'gone' }
  | { ok: false; reason: 'conflict'; card: BoardCard; last: Awaited<ReturnType<typeof lastMove>> }
  | { ok: false; reason: 'refused'; card: BoardCard; refusal: Refusal }
  | { ok: false; reason: 'incomplete'; card: BoardCard };

/**
 * A board move (W3, B2): the card's column is its job's D4 step, so a move
 * asks the job's workflow for the steps from where the card is to where it
 * was dropped (lib/board.ts eventsForMove), one by one, at the moment of the
 * move; D4 may refuse one, which stops the move and says why. Moves of one
 * card queue on its lock, and a move from a column the card has left
 * meanwhile (someone else moved it) is a conflict, answered with who did.
 * A card without a job gets its job first, as staff open one at the desk.
 */
export async function moveCard(deps: LifecycleDeps, staff: Staff, appointmentId: number, move: { column: BoardColumn; from: BoardColumn }): Promise<MoveOutcome> {
  const at = new Date().toISOString();
  return withCardLock(deps.db, appointmentId, async (trx) => {
    const card = await boardCard(trx, staff.company_id, appointmentId);
    if (!card) return { ok: false, reason: 'gone' };
    if (card.column !== move.from) return { ok: false, reason: 'conflict', card, last: await lastMove(trx, appointmentId) };
    if (card.column === move.column) return { ok: true, card };

    let job: CreatedStaffJob;
    let state: JobSnapshot;
    if (card.job_id === null) {
      if (card.customer_id === null || !(card.plate || card.vin)) return { ok: false, reason: 'incomplete', card };
      ({ job, state } = await openJob(deps, card));
    } else {
      const row = await findPortalJob(deps.db, card.job_id);
      if (!row) return { ok: false, reason: 'gone' };
      job = row;
      state = snapshotOf(row);
    }

    let refusal: Refusal | undefined;
    for (const type of eventsForMove(state, move.column)) {
      const result = await advanceJob(deps, job, { type, at });
      if (!result.ok) {
        refusal = result.refusal;
        break;
      }
    }
    const after = (await boardCard(trx, staff.company_id, appointmentId))!;
    if (after.column !== card.column) await recordBoardChange(trx, appointmentId, 'moved', { staffId: staff.id, column: after.column });
    return refusal ? { ok: false, reason: 'refused', card: after, refusal } : { ok: true, card: after };
  });
}

/**
 * The job of a card leaving New: created from the appointment's customer and
 * vehicle by the desk's own path (db/jobs.ts createStaffJob, linked to the
 * appointment, which becomes its D4 appointment), its workflow started at
 * the appointment's time.
 */
async function openJob(deps: LifecycleDeps, card: BoardCard): Promise<{ job: CreatedStaffJob; state: JobSnapshot }> {
  const master = await findCustomer(deps.db, card.company_id, card.customer_id!);
  const appointment = await deps.db('appointments').where({ id: card.id }).first<{ language: string }>('language');
  const job = await createStaffJob(deps.db, card.company_id, {
    location_id: card.location_id,
    appointment_id: card.id,
    customer: {
      customer_number: master?.customer_number ?? null,
      first_name: card.first_name,
      last_name: card.last_name,
      email: card.email,
      phone: card.phone,
      language: appointment?.language ?? 'en',
    },
    vehicle: { plate: card.plate, vin: card.vin, make: card.make, model: card.model },
    damage_flow_type_id: null,
    notes: '',
  });
  const state = await startJob(deps, job, [{ type: 'appointment', at: card.starts_at.toISOString() }]);
  return { job, state: state! };
}

const relativeUnits = [
  { unit: 'day', ms: 86_400_000 },
  { unit: 'hour', ms: 3_600_000 },
  { unit: 'minute', ms: 60_000 },
] as const;

/** "3 sec. ago", "5 min. ago" in the reader's language. */
export function ago(at: Date, language: string, now = Date.now()): string {
  const elapsed = Math.max(0, now - at.getTime());
  const format = new Intl.RelativeTimeFormat(language, { style: 'short', numeric: 'always' });
  for (const { unit, ms } of relativeUnits) if (elapsed >= ms) return format.format(-Math.floor(elapsed / ms), unit);
  return format.format(-Math.floor(elapsed / 1000), 'second');
}

/** The conflict a late move meets: "Moved to Ready by Jan 3 sec. ago", or where the card is now. */
export function conflictMessage(t: TFunction, language: string, card: BoardCard, last: Awaited<ReturnType<typeof lastMove>>): string {
  if (!last) return t('board.conflict.now', { column: t(`board.columns.${card.column}`) });
  const values = { column: t(`board.columns.${last.column}`), name: last.staffName ?? '', ago: ago(new Date(last.at), language) };
  return t(last.staffName ? 'board.conflict.movedBy' : 'board.conflict.moved', values);
}

/** What a message beside a card says (after a move that did not go as asked), with its link when it has one. */
export interface CardAlert {
  text: string;
  href?: string;
  link?: string;
}

/** The alert of an outcome that was not a plain success; undefined for one. */
export function moveAlert(t: TFunction, language: string, outcome: MoveOutcome): CardAlert | undefined {
  if (outcome.ok || outcome.reason === 'gone') return undefined;
  if (outcome.reason === 'conflict') return { text: conflictMessage(t, language, outcome.card, outcome.last) };
  if (outcome.reason === 'refused') return { text: t(`jobs.refused.${outcome.refusal}`) };
  return { text: t('board.incomplete'), href: `/staff/appointments/${outcome.card.id}`, link: t('board.openAppointment') };
}

/** A card as its partial shows it: times in the location's zone, in the reader's language. */
export function cardView(card: BoardCard, t: TFunction, language: string, now = new Date()) {
  const local = (date: Date) => DateTime.fromJSDate(date, { zone: card.time_zone }).setLocale(language);
  const starts = local(card.starts_at);
  const today = starts.hasSame(local(now), 'day');
  const closes = card.whatsapp_window_closes_at;
  const open = closes !== null && closes.getTime() > now.getTime();
  const closesLocal = closes ? local(closes) : undefined;
  const name = `${card.first_name} ${card.last_name}`.trim();
  return {
    ...card,
    name,
    when: today ? starts.toLocaleString(DateTime.TIME_SIMPLE) : starts.toLocaleString(DateTime.DATETIME_MED),
    startsIso: card.starts_at.toISOString(),
    work: [card.work_description, ...card.services].map((s) => s.trim()).filter(Boolean).join(' · '),
    window: closesLocal
      ? {
          open,
          iso: closes!.toISOString(),
          text: open
            ? t('board.card.windowOpen', {
                time: closesLocal.hasSame(local(now), 'day') ? closesLocal.toLocaleString(DateTime.TIME_SIMPLE) : closesLocal.toLocaleString(DateTime.DATETIME_MED),
                hours: Math.max(0, Math.floor((closes!.getTime() - now.getTime()) / 3_600_000)),
                minutes: Math.max(0, Math.floor(((closes!.getTime() - now.getTime()) % 3_600_000) / 60_000)),
              })
            : t('board.card.windowClosed'),
        }
      : undefined,
  };
}
export type CardView = ReturnType<typeof cardView>;

/** The CSRF placeholder of card HTML: one rendering serves every board, each puts its own token in. */
export const csrfPlaceholder = '%CSRF%';

/**
 * A card's HTML (web/board/views/_card.eta), with `%CSRF%` where the token
 * goes: the board page and the live layer (web/live.ts) render cards through here.
 */
export function renderCard(card: BoardCard, t: TFunction, language: string, alert?: CardAlert): string {
  if (alert) return eta.render('/board/views/_card', { t, card: cardView(card, t, language), alert, csrf: csrfPlaceholder, colors: cardColors });
  // A card's HTML follows from its row (its fingerprint), the reader's language and, for "today" and the WhatsApp
  // window, the day and the minute: rendered once per change, then reused by every board and every reload.
  const now = Date.now();
  const closes = card.whatsapp_window_closes_at?.getTime() ?? 0;
  const minutesLeft = closes > now ? Math.floor((closes - now) / 60_000) : -1;
  const key = `${language}|${dayOf(card.time_zone, now)}|${minutesLeft}|${card.id}|${card.fingerprint}`;
  let html = renderedCards.get(key);
  if (html === undefined) {
    // Without the template's indentation (a card has no <pre> nor <textarea>): a board of 200 cards is sent often.
    html = eta.render('/board/views/_card', { t, card: cardView(card, t, language, new Date(now)), csrf: csrfPlaceholder, colors: cardColors }).replace(/\n\s+/g, '\n');
    if (renderedCards.size >= renderedCardsLimit) renderedCards.delete(renderedCards.keys().next().value!);
    renderedCards.set(key, html);
  }
  return html;
}

/** Card HTML by what it depends on; oldest out first. A few thousand cards are a few MB. */
const renderedCards = new Map<string, string>();
const renderedCardsLimit = 5_000;

/** The calendar day of `now` in `zone`, looked up once per zone and day rather than per card. */
const days = new Map<string, { day: string; until: number }>();
function dayOf(zone: string, now: number): string {
  const known = days.get(zone);
  if (known && now < known.until) return known.day;
  const local = DateTime.fromMillis(now, { zone });
  const entry = { day: local.toISODate()!, until: local.endOf('day').toMillis() + 1 };
  days.set(zone, entry);
  return entry.day;
}

/** Card HTML for one viewer: their CSRF token where the placeholder is. */
export const withCsrf = (html: string, token: string) => html.replaceAll(csrfPlaceholder, token);
