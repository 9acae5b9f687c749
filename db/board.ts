import type { Knex } from 'knex';
import { columnOfStep, type BoardColumn, type CardColor } from '../lib/board';
import { windowClosesAt } from '../lib/conversationWindow';
import type { JobStep } from '../workflows/jobLifecycle.contract';
import { recordBoardChange } from './boardEvents';

/**
 * One card of the aftersales board (W3): an appointment (repair or service)
 * with what the card shows. Its column is its job's D4 step (lib/board.ts),
 * never stored; without a job it is New.
 */
export interface BoardCard {
  id: number;
  company_id: number;
  location_id: number;
  location_name: string;
  time_zone: string;
  kind: 'repair' | 'service';
  status: 'planned' | 'done';
  starts_at: Date;
  ends_at: Date;
  customer_id: number | null;
  /** the appointment's own contact data (as every appointment screen shows them) */
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  vehicle_id: number | null;
  /** the master vehicle's, or the walk-in vehicle described on the appointment (M8) */
  plate: string;
  vin: string;
  make: string;
  model: string;
  /** what will be done: the planner's description and the services asked for */
  work_description: string;
  services: string[];
  color: CardColor | null;
  job_id: number | null;
  job_number: string | null;
  step: JobStep | null;
  column: BoardColumn;
  /** W6: the card has backchannel comments */
  has_comments: boolean;
  /** W5: the customer's last message is unread (red line) */
  unread: boolean;
  /** W5 filter: the customer wrote last and nobody answered */
  waiting: boolean;
  /** W4: when free text to the customer's WhatsApp stops being allowed; null when they never wrote */
  whatsapp_window_closes_at: Date | null;
  /** a digest of the row (md5 of its text): equal digests, equal cards */
  fingerprint: string;
}

export interface BoardQuery {
  /** the locations whose cards show (the W8 filter, resolved to ids) */
  locationIds: number[];
  /** the board's day, an ISO date ("2026-12-02") in `zone` */
  day: string;
  zone: string;
  /** W5: only cards whose customer wrote last and is unanswered */
  waitingOnly?: boolean;
}

// An appointment is a card when it is a visit (not an estimate) that was not cancelled.
const isCard = `a.kind <> 'estimate' and a.status <> 'cancelled'`;

/** What a card shows, for the appointments `a` of a query; one row per card, no query per card. */
const cardSelect = `
  select a.id, a.company_id, a.location_id, l.name as location_name, l.time_zone, a.kind, a.status, a.starts_at, a.ends_at,
         a.customer_id, a.first_name, a.last_name, a.email, a.phone, a.vehicle_id,
         coalesce(v.plate, a.walk_in_plate) as plate, coalesce(nullif(v.vin, ''), a.walk_in_vin) as vin,
         coalesce(v.make, a.walk_in_make) as make, coalesce(v.model, a.walk_in_model) as model,
         a.work_description, a.services, a.color, a.job_id, j.job_number, j.step,
         exists (select 1 from appointment_comments ac where ac.appointment_id = a.id) as has_comments,
         coalesce(conv.unread, false) as unread, coalesce(conv.waiting, false) as waiting, conv.whatsapp_inbound_at
    from appointments a
    join locations l on l.id = a.location_id
    left join vehicles v on v.id = a.vehicle_id
    left join jobs j on j.id = a.job_id
    left join lateral (
      select bool_or(cv.last_inbound_at > coalesce(cv.read_at, '-infinity')) as unread,
             bool_or(cv.last_inbound_at > coalesce(cv.last_outbound_at, '-infinity')) as waiting,
             max(cv.last_inbound_at) filter (where cv.channel = 'whatsapp') as whatsapp_inbound_at
        from conversations cv where cv.customer_id = a.customer_id
    ) conv on true`;

/**
 * A digest of everything a card row holds, computed by PostgreSQL: what the
 * card's HTML is cached by (web/board/service.ts renderCard), so a board of
 * 200 cards does not serialise 200 rows to look them up.
 */
const fingerprint = `md5(c::text) as fingerprint`;

type CardRow = Omit<BoardCard, 'column' | 'whatsapp_window_closes_at'> & { whatsapp_inbound_at: Date | null };

const toCard = ({ whatsapp_inbound_at, ...row }: CardRow): BoardCard => ({
  ...row,
  column: columnOfStep(row.step),
  whatsapp_window_closes_at: windowClosesAt(whatsapp_inbound_at),
});

/**
 * The board of a day (W3): the locations' visits of that day, and those
 * carried over from earlier days that are not Completed (a card completed
 * today stays in Completed until the day is over), earliest first. One
 * query: the card ids from three index-backed parts (the day, old cards
 * still without a job, old cards of jobs still open or picked up today),
 * then everything a card shows.
 */
export async function boardCards(db: Knex, companyId: number, query: BoardQuery): Promise<BoardCard[]> {
  if (query.locationIds.length === 0) return [];
  const { rows } = await db.raw<{ rows: CardRow[] }>(
    `with day as (
       select cast(:day as date)::timestamp at time zone :zone as starts, (cast(:day as date) + 1)::timestamp at time zone :zone as ends
     ), picked as (
       select a.id from appointments a, day
        where a.location_id = any(cast(:locations as int[])) and ${isCard} and a.starts_at >= day.starts and a.starts_at < day.ends
       union
       select a.id from appointments a, day
        where a.location_id = any(cast(:locations as int[])) and ${isCard} and a.job_id is null and a.starts_at < day.starts
       union
       select a.id from jobs j join appointments a on a.job_id = j.id, day
        where j.company_id = :company and (j.step <> 'picked_up' or j.picked_up_at >= day.starts)
          and a.location_id = any(cast(:locations as int[])) and ${isCard} and a.starts_at < day.starts
     )
     select c.*, ${fingerprint} from (
       ${cardSelect}
       join picked p on p.id = a.id
       where a.company_id = :company ${query.waitingOnly ? 'and coalesce(conv.waiting, false)' : ''}
     ) c
     order by c.starts_at, c.id`,
    // a PostgreSQL array literal: knex would spread a JS array into a list
    { company: companyId, locations: `{${query.locationIds.map(Number).join(',')}}`, day: query.day, zone: query.zone },
  );
  return rows.map(toCard);
}

/** One card, whatever its day (after a move, for the live layer); undefined when it is no card of the company. */
export async function boardCard(db: Knex, companyId: number, appointmentId: number): Promise<BoardCard | undefined> {
  const { rows } = await db.raw<{ rows: CardRow[] }>(`select c.*, ${fingerprint} from (${cardSelect} where a.id = :id and a.company_id = :company and ${isCard}) c`, {
    id: appointmentId,
    company: companyId,
  });
  return rows[0] ? toCard(rows[0]) : undefined;
}

/** W8: the locations a staff member's board shows, remembered across logins; null = all of the company's. */
export async function boardLocationsOf(db: Knex, staffId: number): Promise<number[] | null> {
  const row = await db('staff_users').where({ id: staffId }).first<{ board_locations: number[] | null } | undefined>('board_locations');
  return row?.board_locations ?? null;
}

/** Saves the W8 filter; only the company's own locations are kept, null (or all of them) is "all". */
export async function saveBoardLocations(db: Knex, staff: { id: number; company_id: number }, locationIds: number[] | null): Promise<void> {
  let kept: number[] | null = null;
  if (locationIds !== null) {
    const own: number[] = await db('locations').where({ company_id: staff.company_id }).orderBy('id').pluck('id');
    const chosen = own.filter((id) => locationIds.includes(id));
    kept = chosen.length === own.length ? null : chosen;
  }
  await db('staff_users').where({ id: staff.id }).update({ board_locations: kept });
}

/** W7: a card's colour label (null: none), recorded for every open board in the same transaction. */
export async function setCardColor(db: Knex, companyId: number, appointmentId: number, color: CardColor | null, staffId: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    const updated = await trx('appointments')
      .where({ id: appointmentId, company_id: companyId })
      .whereNot('kind', 'estimate')
      .update({ color, updated_at: trx.fn.now() });
    if (updated === 0) return false;
    await recordBoardChange(trx, appointmentId, 'color', { staffId });
    return true;
  });
}

/**
 * Runs `work` while holding the card's move lock: moves of one card queue,
 * each sees the state the one before left. A transaction-scoped advisory
 * lock, not a row lock: the job's D4 activity writes the appointment row
 * meanwhile, from its own connection.
 */
export async function withCardLock<T>(db: Knex, appointmentId: number, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`board-card:${appointmentId}`]);
    return work(trx);
  });
}
