import type { Knex } from 'knex';

/**
 * B2: one customer file. Everything that happened with one customer, newest
 * first, in one query (UNION ALL, one branch per source) and read a page at
 * a time with a keyset cursor, so a customer with ten years of history costs
 * the same as a new one.
 *
 * Sources and what ties them to the customer:
 * - jobs (jobs.customer_id): created, and each D4 date reached (vehicle in,
 *   work started as the location counts it, finished, picked up);
 * - appointments (appointments.customer_id): created with kind, date and
 *   status; cancelled (its status; the row's last change is when). An entry
 *   shows the appointment's current date; a move the customer made on their
 *   own link is a change of its own (customer_events, appointment_moved);
 * - bookings (estimate and repair requests, P3/P4): of the customer's jobs or
 *   appointments; one that never became a job (expired) by its e-mail address;
 * - leads (M1) and lead_events (D3 status changes, by whom): a lead with an
 *   appointment belongs to that appointment's customer; one without (new,
 *   rejected, cancelled) to the customer whose number or e-mail it carries;
 * - sent_messages: every message out, of the customer or of one of their
 *   jobs, appointments, leads or bookings, with its delivery status;
 * - customer_events: every change the customer made (check-in), or staff made
 *   to the record (a merge, M7).
 *
 * - inbound_messages (W5): every message the customer sent us (WhatsApp, SMS),
 *   direction 'in', in the messages filter beside what went out.
 *
 * Every branch answers the same columns (`TimelineRow`), so adding one is a
 * function in `branches` and a filter name.
 */

/** What a staff member can narrow the timeline to (the page's filter form). */
export const timelineFilters = ['jobs', 'appointments', 'leads', 'messages', 'changes'] as const;
export type TimelineFilter = (typeof timelineFilters)[number];

export type TimelineEntryType = 'job' | 'appointment' | 'booking' | 'lead' | 'message' | 'change';
/** A message's direction; everything that is no message is 'none'. */
export type TimelineDirection = 'in' | 'out' | 'none';

export interface TimelineEntry {
  /** unique on the timeline: 'job:12:vehicle_in', 'message:40', ... */
  id: string;
  at: Date;
  type: TimelineEntryType;
  direction: TimelineDirection;
  /** a key under customers.timeline.titles (e.g. 'job.vehicle_in', 'appointment.created.repair', 'change.contact_changed') */
  title: string;
  details: Record<string, unknown>;
  /** the staff page of the job, appointment or lead, where there is one */
  link: string | null;
  /** the time zone of the entry's location, where it has one */
  time_zone: string | null;
  /** this entry as a `before` cursor: the next page starts after it */
  cursor: string;
}

export interface TimelinePage {
  entries: TimelineEntry[];
  /** the cursor of the next (older) page, or null when this is the last */
  next: string | null;
}

/** The customer a timeline is read for: the keys its sources are tied by. */
export interface TimelineCustomer {
  id: number;
  company_id: number;
  customer_number: string | null;
  email: string;
}

/** A position on the timeline: entries strictly older than (at, id) follow. */
export interface TimelineCursor {
  /** ISO instant with microseconds, UTC: '2026-12-01T09:30:00.123456Z' */
  at: string;
  id: string;
}

const cursorShape = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z),((?:job|appointment|booking|lead|lead_event|message|inbound|change):[0-9a-z_:-]{1,80})$/;

/** `before=<timestamp,id>` as the page sends it; undefined when it is none of ours. */
export function parseTimelineCursor(value: string): TimelineCursor | undefined {
  const match = cursorShape.exec(value);
  if (!match) return undefined;
  const at = match[1]!;
  // The shape alone lets 2026-13-45 through, which PostgreSQL would refuse.
  const date = new Date(at);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== at.slice(0, 19)) return undefined;
  return { at, id: match[2]! };
}

export const formatTimelineCursor = (cursor: TimelineCursor) => `${cursor.at},${cursor.id}`;

/** One SQL text with its positional bindings, in order. */
interface Fragment {
  sql: string;
  bindings: Knex.Value[];
}

/** Builds a fragment: `${v(x)}` binds x where it stands (template literals evaluate left to right). */
function sql(build: (v: (value: Knex.Value) => string) => string): Fragment {
  const bindings: Knex.Value[] = [];
  const text = build((value) => {
    bindings.push(value);
    return '?';
  });
  return { sql: text, bindings };
}

/**
 * The ids every branch filters on. `customer_leads`, `customer_bookings` and
 * `customer_messages` apply the rules in the module comment; each piece is a
 * lookup on an index (20261201400000_customer_timeline). PostgreSQL skips
 * the ones no selected branch reads.
 */
const scope = (c: TimelineCustomer) =>
  sql(
    (v) => `
    the_customer as (select cast(${v(c.id)} as integer) as id),
    customer_jobs as (select id from jobs where customer_id = ${v(c.id)}),
    customer_appointments as (select id, lead_id, booking_id from appointments where customer_id = ${v(c.id)}),
    customer_leads as (
      select lead_id as id from customer_appointments where lead_id is not null
      union
      select l.id from leads l
       where l.company_id = ${v(c.company_id)}
         and ((${v(c.customer_number ?? '')} <> '' and l.customer_number = ${v(c.customer_number ?? '')})
              or (${v(c.email)} <> '' and lower(l.email) = lower(${v(c.email)})))
         and not exists (select 1 from appointments a where a.lead_id = l.id)
    ),
    customer_bookings as (
      select b.id from bookings b where b.job_id in (select id from customer_jobs)
      union
      select booking_id from customer_appointments where booking_id is not null
      union
      select b.id from bookings b join locations bl on bl.id = b.location_id
       where b.job_id is null and ${v(c.email)} <> '' and lower(b.email) = lower(${v(c.email)}) and bl.company_id = ${v(c.company_id)}
    ),
    customer_messages as (
      select id from sent_messages where customer_id = ${v(c.id)}
      union select id from sent_messages where appointment_id in (select id from customer_appointments)
      union select id from sent_messages where lead_id in (select id from customer_leads)
      union select id from sent_messages where job_id in (select id from customer_jobs)
      union select id from sent_messages where booking_id in (select id from customer_bookings)
    )`,
  );

/**
 * Each branch answers: at, id, type, direction, title, details, link, time_zone.
 * The id is text in the "C" collation so order and cursor compare bytes.
 */
const branches: Record<TimelineFilter, string[]> = {
  jobs: [
    `select s.at, ('job:' || j.id || ':' || s.step) collate "C" as id, 'job' as type, 'none' as direction,
            'job.' || s.step as title,
            jsonb_build_object('jobNumber', j.job_number, 'plate', v.plate, 'make', v.make, 'model', v.model, 'location', l.name) as details,
            '/staff/jobs/' || j.job_number as link, l.time_zone
       from jobs j
       join locations l on l.id = j.location_id
       join vehicles v on v.id = j.vehicle_id
       cross join lateral (values
         ('created', j.created_at),
         ('vehicle_in', j.vehicle_in_at),
         ('work_started', case l.work_started_source when 'first_activity' then j.first_activity_at else j.ready_for_start_at end),
         ('finished', j.finished_at),
         ('picked_up', j.picked_up_at)) as s(step, at)
      where j.id in (select id from customer_jobs) and s.at is not null`,
  ],
  appointments: [
    `select s.at, ('appointment:' || a.id || ':' || s.what) collate "C" as id, 'appointment' as type, 'none' as direction,
            'appointment.' || s.what || '.' || a.kind as title,
            jsonb_build_object('appointmentId', a.id, 'kind', a.kind, 'startsAt', a.starts_at, 'endsAt', a.ends_at, 'status', a.status,
                               'location', l.name, 'plate', coalesce(v.plate, nullif(a.walk_in_plate, '')), 'services', to_jsonb(a.services),
                               'jobNumber', j.job_number) as details,
            '/staff/appointments/' || a.id as link, l.time_zone
       from appointments a
       join locations l on l.id = a.location_id
       left join vehicles v on v.id = a.vehicle_id
       left join jobs j on j.id = a.job_id
       cross join lateral (values
         ('created', a.created_at),
         ('cancelled', case when a.status = 'cancelled' then a.updated_at end)) as s(what, at)
      where a.id in (select id from customer_appointments) and s.at is not null`,
    `select s.at, ('booking:' || b.id || ':' || s.what) collate "C" as id, 'booking' as type, 'none' as direction,
            'booking.' || s.what || '.' || b.kind as title,
            jsonb_build_object('kind', b.kind, 'slotStart', b.slot_start, 'status', b.status, 'plate', b.plate, 'location', l.name,
                               'jobNumber', j.job_number) as details,
            case when j.job_number is not null then '/staff/jobs/' || j.job_number end as link, l.time_zone
       from bookings b
       join locations l on l.id = b.location_id
       left join jobs j on j.id = b.job_id
       cross join lateral (values
         ('requested', b.created_at),
         ('confirmed', b.confirmed_at),
         -- The hold ran out ('expired') or the slot was gone when it was to be held ('slot_taken').
         (b.status, case when b.status in ('expired', 'slot_taken') then coalesce(b.expires_at, b.created_at) end)) as s(what, at)
      where b.id in (select id from customer_bookings) and s.at is not null`,
  ],
  leads: [
    `select ld.created_at as at, ('lead:' || ld.id) collate "C" as id, 'lead' as type, 'none' as direction,
            'lead.created' as title,
            jsonb_build_object('leadId', ld.id, 'desiredDate', to_char(ld.desired_date, 'YYYY-MM-DD'), 'timeWindow', ld.time_window,
                               'services', to_jsonb(ld.services), 'plate', ld.plate, 'status', ld.status, 'location', l.name) as details,
            '/staff/leads/' || ld.id as link, l.time_zone
       from leads ld
       join locations l on l.id = ld.location_id
      where ld.id in (select id from customer_leads)`,
    // The first event (from nothing to new) is the lead's creation, shown above.
    `select e.at, ('lead_event:' || e.id) collate "C" as id, 'lead' as type, 'none' as direction,
            'lead.status.' || e.to_status as title,
            jsonb_build_object('leadId', ld.id, 'from', e.from_status, 'to', e.to_status, 'by', s.name, 'note', e.note) as details,
            '/staff/leads/' || ld.id as link, l.time_zone
       from lead_events e
       join leads ld on ld.id = e.lead_id
       join locations l on l.id = ld.location_id
       left join staff_users s on s.id = e.staff_id
      where e.lead_id in (select id from customer_leads) and e.from_status is not null`,
  ],
  messages: [
    `select m.created_at as at, ('message:' || m.id) collate "C" as id, 'message' as type, 'out' as direction,
            'message.out' as title,
            jsonb_build_object('kind', m.kind, 'channel', m.channel, 'recipient', m.recipient, 'subject', m.subject, 'body', m.body,
                               'status', m.status, 'error', m.error, 'sentAt', m.sent_at, 'statusAt', m.status_updated_at,
                               'template', m.template ->> 'name') as details,
            case when m.appointment_id is not null then '/staff/appointments/' || m.appointment_id
                 when m.lead_id is not null then '/staff/leads/' || m.lead_id
                 when m.job_id is not null then (select '/staff/jobs/' || j.job_number from jobs j where j.id = m.job_id) end as link,
            (select l.time_zone from locations l
              where l.id = coalesce((select a.location_id from appointments a where a.id = m.appointment_id),
                                    (select ld.location_id from leads ld where ld.id = m.lead_id),
                                    (select j.location_id from jobs j where j.id = m.job_id))) as time_zone
       from sent_messages m
      where m.id in (select id from customer_messages)`,
    `select i.received_at as at, ('inbound:' || i.id) collate "C" as id, 'message' as type, 'in' as direction,
            'message.in' as title,
            jsonb_build_object('channel', i.channel, 'sender', i.sender, 'body', i.body) as details,
            cast(null as text) as link, cast(null as text) as time_zone
       from inbound_messages i
      where i.customer_id = (select id from the_customer)`,
  ],
  changes: [
    `select e.at, ('change:' || e.id) collate "C" as id, 'change' as type, 'none' as direction,
            'change.' || e.kind as title,
            e.details || jsonb_build_object('kind', e.kind, 'appointmentId', e.appointment_id) as details,
            case when e.appointment_id is not null then '/staff/appointments/' || e.appointment_id end as link,
            (select l.time_zone from appointments a join locations l on l.id = a.location_id where a.id = e.appointment_id) as time_zone
       from customer_events e
      where e.customer_id = (select id from the_customer)`,
  ],
};

export const defaultTimelinePageSize = 25;
const maxTimelinePageSize = 200;

/**
 * One page of a customer's timeline, newest first: the entries of `filters`
 * (all when empty) strictly older than `before`, at most `limit`. Each branch
 * is cut to limit + 1 rows before the union is sorted, so a page reads at
 * most (limit + 1) rows per branch whatever the history's length.
 */
export async function customerTimeline(
  db: Knex,
  customer: TimelineCustomer,
  options: { filters?: readonly TimelineFilter[]; before?: TimelineCursor; limit?: number } = {},
): Promise<TimelinePage> {
  const limit = Math.min(Math.max(1, Math.trunc(options.limit ?? defaultTimelinePageSize)), maxTimelinePageSize);
  const filters = options.filters && options.filters.length > 0 ? options.filters : timelineFilters;
  const selected = timelineFilters.filter((filter) => filters.includes(filter)).flatMap((filter) => branches[filter]);
  const ctes = scope(customer);
  const union = sql((v) =>
    selected
      .map((branch) => {
        const older = options.before
          ? `where b.at < cast(${v(options.before.at)} as timestamptz)
                or (b.at = cast(${v(options.before.at)} as timestamptz) and b.id < ${v(options.before.id)} collate "C")`
          : '';
        return `(select * from (${branch}) b ${older} order by b.at desc, b.id collate "C" desc limit ${v(limit + 1)})`;
      })
      .join('\n union all\n'),
  );
  const { rows } = await db.raw(
    `with ${ctes.sql}
     select t.at, t.id, t.type, t.direction, t.title, t.details, t.link, t.time_zone,
            to_char(t.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at
       from (${union.sql}) t
      order by t.at desc, t.id collate "C" desc
      limit ?`,
    [...ctes.bindings, ...union.bindings, limit + 1],
  );
  const entries: TimelineEntry[] = (rows as (Omit<TimelineEntry, 'cursor'> & { cursor_at: string })[]).map(({ cursor_at, ...row }) => ({
    ...row,
    cursor: formatTimelineCursor({ at: cursor_at, id: row.id }),
  }));
  const page = entries.slice(0, limit);
  return { entries: page, next: entries.length > limit ? page[page.length - 1]!.cursor : null };
}

export interface CustomerFile extends TimelineCustomer {
  first_name: string;
  last_name: string;
  phone: string;
  street: string;
  postal_code: string;
  city: string;
  language: string;
  preferred_channel: 'email' | 'sms';
}

/** The customer whose file is shown, within the staff member's company (never the shared cash-sale customer). */
export async function findCustomerFile(db: Knex, companyId: number, id: number): Promise<CustomerFile | undefined> {
  return db('customers')
    .where({ id, company_id: companyId, is_cash_sale: false })
    .first(
      'id', 'company_id', 'customer_number', 'first_name', 'last_name', 'email', 'phone', 'street', 'postal_code', 'city', 'language',
      'preferred_channel',
    );
}

export interface CustomerVehicle {
  id: number;
  plate: string;
  make: string;
  model: string;
  vin: string;
}

/** The vehicles the customer owns in the master (M8), newest first. */
export async function customerVehicles(db: Knex, customerId: number): Promise<CustomerVehicle[]> {
  return db('vehicles').where({ customer_id: customerId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).select('id', 'plate', 'make', 'model', 'vin');
}

/**
 * The customer file a lead belongs to (its link on the lead page), by the
 * rule of the timeline: its appointment's customer, else the customer whose
 * number or e-mail it carries (the number first; one match only).
 */
export async function leadCustomerId(db: Knex, companyId: number, leadId: number): Promise<number | undefined> {
  const { rows } = await db.raw(
    `select coalesce(
       (select a.customer_id from appointments a join customers c on c.id = a.customer_id
         where a.lead_id = l.id and not c.is_cash_sale),
       case when not exists (select 1 from appointments a where a.lead_id = l.id) then coalesce(
         (select c.id from customers c where c.company_id = l.company_id and not c.is_cash_sale
             and l.customer_number is not null and c.customer_number = l.customer_number),
         (select min(c.id) from customers c where c.company_id = l.company_id and not c.is_cash_sale
             and l.email <> '' and lower(c.email) = lower(l.email)
           having count(*) = 1)) end) as customer_id
       from leads l where l.id = ? and l.company_id = ?`,
    [leadId, companyId],
  );
  return rows[0]?.customer_id ?? undefined;
}
