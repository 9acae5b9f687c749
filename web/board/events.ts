import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { boardCard, boardLocationsOf, type BoardCard } from '../../db/board';
import { boardEventsSince, type BoardNotice } from '../../db/boardEvents';
import type { Logger } from '../../lib/logger';
import type { LiveChanges } from '../live';
import { requireStaff } from '../middleware/auth';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { isCalendarDate } from '../../lib/validation';
import { featureRouter } from '../router';
import { renderCard, withCsrf } from './service';

/** At most this many missed changes are replayed; a board offline for longer reloads. */
const replayLimit = 1000;
/**
 * Event ids are taken at insert but seen at commit, so a change can commit
 * after one with a higher id. A catch-up therefore starts this many ids
 * earlier; sending a card again is harmless (the board replaces it).
 */
const commitOrderMargin = 100;

interface Rendered {
  card: BoardCard;
  html: string;
}

/** The board a stream serves: its day (the page's), as its zone counts it, and the W5 filter. */
const streamQuery = z
  .object({
    day: z.string().refine(isCalendarDate).optional().catch(undefined),
    zone: z.string().max(64).optional().catch(undefined),
    filter: z.enum(['waiting']).optional().catch(undefined),
  })
  .catch({});

/**
 * Whether a changed card belongs on a board of `day`: a visit of that day or
 * carried over from before (db/board.ts boardCards has the whole rule; a
 * card that just changed and started earlier is still open or was completed
 * just now), not a later one, and waiting when the board shows only those.
 */
function onBoard(card: BoardCard, dayEnd: Date, waitingOnly: boolean): boolean {
  return card.starts_at < dayEnd && (!waitingOnly || card.waiting);
}

/**
 * W3 live board: server-sent events with every card change of the company,
 * from any web or worker replica (web/live.ts). Each event carries the
 * card's HTML as the board renders it (rendered once per change and
 * language in this process, whatever the number of open boards) and the
 * board_events id as SSE id, so a board that lost its connection resumes
 * with Last-Event-ID (or `?last=` on its first connection, the id the page
 * was rendered at) and catches up on every move it missed.
 */
export function createBoardEventsRouter({ db, changes, log }: { db: Knex; changes: LiveChanges; log: Logger }) {
  const router = featureRouter();
  router.use('/staff/board/events', requireStaff);

  const renderings = new Map<string, Promise<Rendered | undefined>>();
  /** The card of a change, read and rendered once for every open board of this process that shows it. */
  function rendered(notice: Pick<BoardNotice, 'id' | 'company' | 'appointment'>, req: Request, res: Response): Promise<Rendered | undefined> {
    const key = `${notice.id}:${req.language}`;
    let reading = renderings.get(key);
    if (!reading) {
      reading = boardCard(db, notice.company, notice.appointment)
        .then((card) => (card ? { card, html: renderCard(card, res.locals.t, req.language) } : undefined))
        .finally(() => setImmediate(() => renderings.delete(key)));
      renderings.set(key, reading);
    }
    return reading;
  }

  router.get('/staff/board/events', async (req: Request, res: Response) => {
    const staff = req.staff!;
    const query = streamQuery.parse(req.query);
    const zone = query.zone && DateTime.now().setZone(query.zone).isValid ? query.zone : 'Europe/Brussels';
    const day = query.day ?? DateTime.now().setZone(zone).toISODate()!;
    const dayEnd = DateTime.fromISO(day, { zone }).plus({ days: 1 }).toJSDate();
    const waitingOnly = query.filter === 'waiting';
    const locations = await boardLocationsOf(db, staff.id);
    const shows = (location: number) => locations === null || locations.includes(location);
    const token = String(res.locals.csrf());

    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    // A lost connection is retried after 1 s, with Last-Event-ID.
    res.write('retry: 1000\n: connected\n\n');

    let lastSent = Number(req.get('Last-Event-ID') ?? req.query.last ?? 0) || 0;
    const sent = new Set<number>();
    let closed = false;
    let queue = Promise.resolve();
    const write = (text: string) => {
      if (!closed) res.write(text);
    };
    /** Sends the card of a change, in order: its HTML, or its removal when it is not (or no longer) on this board. */
    const send = (notice: Pick<BoardNotice, 'id' | 'company' | 'appointment'>) => {
      queue = queue
        .then(async () => {
          if (closed || sent.has(notice.id)) return;
          sent.add(notice.id);
          const found = await rendered(notice, req, res);
          lastSent = Math.max(lastSent, notice.id);
          // The id goes out as sent so far: an older change committed late does not rewind the board's position.
          if (!found || !shows(found.card.location_id) || !onBoard(found.card, dayEnd, waitingOnly)) {
            write(`id: ${lastSent}\nevent: remove\ndata: ${notice.appointment}\n\n`);
          } else {
            write(`id: ${lastSent}\nevent: card\ndata: ${withCsrf(found.html, token).replace(/\n/g, '\ndata: ')}\n\n`);
          }
        })
        .catch((error) => log.warn({ err: error }, 'board events: a change could not be sent'));
    };

    /** What happened after the last change sent: the newest change of each card, oldest first. */
    const catchUp = async () => {
      const missed = await boardEventsSince(db, staff.company_id, Math.max(0, lastSent - commitOrderMargin), replayLimit);
      if (missed.length === replayLimit) return write('event: reload\ndata: \n\n');
      const newest = new Map<number, BoardNotice>();
      for (const notice of missed) if (shows(notice.location)) newest.set(notice.appointment, notice);
      for (const notice of [...newest.values()].sort((a, b) => a.id - b.id)) send(notice);
    };

    // Listen first, then catch up: a change committed in between is both in the replay and in the notices, sent once.
    // `sent` grows by one id per change: a board open for a working day holds a few thousand.
    let replaying = true;
    const buffered: BoardNotice[] = [];
    const unsubscribe = changes.subscribeBoard(staff.company_id, (notice) => {
      if (!shows(notice.location)) return;
      if (replaying) buffered.push(notice);
      else send(notice);
    });
    const stopCatchingUp = changes.onReconnect(() => void catchUp().catch(() => undefined));
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), 25_000);
    req.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      stopCatchingUp();
    });

    if (lastSent > 0) await catchUp().catch((error) => log.warn({ err: error }, 'board events: catch-up failed'));
    replaying = false;
    for (const notice of buffered) send(notice);
  });

  return router;
}
