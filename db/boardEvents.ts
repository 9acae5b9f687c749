import type { Knex } from 'knex';
import type { BoardColumn } from '../lib/board';

/** The channel web processes LISTEN on to update open boards (web/live.ts). */
export const boardChangedChannel = 'board_changed';

/** What changed on a card; the board re-reads the card whatever it is. */
export type BoardChange = 'moved' | 'job' | 'message' | 'read' | 'comment' | 'color' | 'imported' | 'changed';

/** The NOTIFY payload: which card of which board changed, and the event id a board resumes from. */
export interface BoardNotice {
  id: number;
  company: number;
  location: number;
  appointment: number;
  change: BoardChange;
}

/**
 * Records that a card changed, for every open board: a board_events row (its
 * id is the SSE event id, so a board that lost its connection replays what
 * it missed from Last-Event-ID) and a NOTIFY, delivered at commit to every
 * web replica. Call it in the transaction that makes the change. Answers the
 * event id, or undefined when the appointment is gone.
 */
export async function recordBoardChange(
  db: Knex,
  appointmentId: number,
  change: BoardChange,
  by: { staffId?: number | null; column?: BoardColumn } = {},
): Promise<number | undefined> {
  const { rows } = await db.raw<{ rows: BoardNotice[] }>(
    `insert into board_events (company_id, location_id, appointment_id, change, board_column, staff_id)
     select company_id, location_id, id, :change, :column, :staff from appointments where id = :appointment
     returning id::int as id, company_id as company, location_id as location, appointment_id as appointment, change`,
    { appointment: appointmentId, change, column: by.column ?? null, staff: by.staffId ?? null },
  );
  const notice = rows[0];
  if (!notice) return undefined;
  await db.raw('select pg_notify(?, ?)', [boardChangedChannel, JSON.stringify(notice)]);
  return notice.id;
}

/** Records `change` for every card of a job (its visits other than estimates): a D4 step moves them. */
export async function recordJobBoardChange(db: Knex, jobId: number, column: BoardColumn): Promise<void> {
  const cards = await db('appointments').where({ job_id: jobId }).whereNot('kind', 'estimate').whereNot('status', 'cancelled').pluck('id');
  for (const id of cards) await recordBoardChange(db, id, 'job', { column });
}

/** The changes after `afterId` on a company's boards, oldest first, at most `limit` (a board's catch-up). */
export async function boardEventsSince(db: Knex, companyId: number, afterId: number, limit = 500): Promise<BoardNotice[]> {
  return db('board_events')
    .where('company_id', companyId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .select(db.raw('id::int as id'), 'company_id as company', 'location_id as location', 'appointment_id as appointment', 'change');
}

/** The id of a company's newest board change (0 when none): where a freshly rendered board's stream resumes. */
export async function latestBoardEvent(db: Knex, companyId: number): Promise<number> {
  const row = await db('board_events').where('company_id', companyId).max<{ id: string | null }>('id as id').first();
  return Number(row?.id ?? 0);
}

/** The last move of a card: who put it in which column when ("moved to Ready by Jan 3 s ago"). */
export async function lastMove(db: Knex, appointmentId: number): Promise<{ column: BoardColumn; staffName: string | null; at: Date } | undefined> {
  return db('board_events as e')
    .leftJoin('staff_users as s', 's.id', 'e.staff_id')
    .where('e.appointment_id', appointmentId)
    .whereIn('e.change', ['moved', 'job'])
    .whereNotNull('e.board_column')
    .orderBy('e.id', 'desc')
    .first('e.board_column as column', 's.name as staffName', 'e.created_at as at');
}
