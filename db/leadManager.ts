import type { Knex } from 'knex';
import { cursorAtSql, pageOf, type ListCursor } from '../lib/listCursor';
import { closedLeadStatuses, type Role } from '../lib/permissions';
import { normalizePlate } from '../lib/plates';
import { likeAnywhere } from './likePatterns';
import { preparedQuery, preparedStatementByShape } from './prepared';
import type { ContactFields } from './appointments';
import type { LeadSummary } from './leads';
import type { LeadStatus } from '../workflows/lead.contract';

// The lead manager's reads and the staff edits of a lead (M1, M4-M6). Status
// changes are the lead workflow's (db/leads.ts); nothing here writes a status.

export const leadStatuses = ['new', 'planned', 'rejected', 'cancelled', 'cancelled_by_customer'] as const satisfies readonly LeadStatus[];

export interface LeadFilter {
  /** 'all' shows every status */
  status: LeadStatus | 'all';
  locationId?: number;
  /** desired day from / to, inclusive, YYYY-MM-DD */
  from?: string;
  to?: string;
  /** name, e-mail, phone, plate or VIN, any part of it */
  search: string;
}

export interface LeadRow extends Omit<LeadSummary, 'company_id' | 'language'> {
  created_at: Date;
  location_name: string;
  time_zone: string;
}

/**
 * The lead manager's table: newest request first, `limit` rows from `before`
 * on (keyset), and the cursor of the next page when there are more.
 */
export async function listLeads(
  db: Knex,
  companyId: number,
  filter: LeadFilter,
  { before, limit = 50 }: { before?: ListCursor; limit?: number } = {},
): Promise<{ leads: LeadRow[]; next: ListCursor | null }> {
  const term = filter.search.trim();
  const plate = term ? normalizePlate(term) : '';
  // Leading zeros are a trunk or international prefix: "0470…" and "0032 470…" both find "+32 470…".
  const digits = term.replace(/\D/g, '').replace(/^0+/, '');
  const found = await leadsPage(
    db,
    {
      companyId,
      beforeAt: before?.at,
      beforeId: before?.id,
      status: filter.status === 'all' ? undefined : filter.status,
      locationId: filter.locationId || undefined,
      from: filter.from || undefined,
      to: filter.to || undefined,
      pattern: term ? likeAnywhere(term) : undefined,
      digitsPattern: term && digits.length >= 3 ? likeAnywhere(digits) : undefined,
      platePattern: plate ? likeAnywhere(plate) : undefined,
    },
    limit,
  );
  const { rows, next } = pageOf(found, limit);
  return { leads: rows, next };
}

/** One page of the lead manager's table: a statement for each of its shapes (filters, search, cursor), compiled once; a search planned for its term. */
const leadsPage = preparedStatementByShape<
  {
    companyId: number;
    beforeAt?: string;
    beforeId?: number;
    status?: LeadStatus;
    locationId?: number;
    from?: string;
    to?: string;
    pattern?: string;
    digitsPattern?: string;
    platePattern?: string;
  },
  LeadRow & { cursor_at: string },
  number
>((db, { companyId, beforeAt, beforeId, status, locationId, from, to, pattern, digitsPattern, platePattern }, limit) => {
  const query = db('leads')
    .join('locations', 'locations.id', 'leads.location_id')
    .where('leads.company_id', companyId)
    .select<LeadRow[]>(
      'leads.id',
      'leads.status',
      'leads.created_at',
      db.raw(`to_char(leads.desired_date, 'YYYY-MM-DD') as desired_date`),
      'leads.time_window',
      // As JSON: JSON.parse reads the 51 rows' arrays in a third of the time pg's text[] parser takes.
      db.raw('to_json(leads.services) as services'),
      'leads.first_name',
      'leads.last_name',
      'leads.email',
      'leads.phone',
      'leads.plate',
      'leads.make',
      'leads.model',
      'leads.location_id',
      'locations.name as location_name',
      'locations.time_zone',
      db.raw(`${cursorAtSql('leads.created_at')} as cursor_at`),
    )
    .orderBy([{ column: 'leads.created_at', order: 'desc' }, { column: 'leads.id', order: 'desc' }])
    // The page size in the SQL, not a parameter: a named statement's generic plan knows it reads 51 rows off the index
    // (with LIMIT $n PostgreSQL priced the generic plan as a sort of every row and planned each run afresh).
    .limit(limit + 1, { skipBinding: true });
  if (beforeAt !== undefined) query.whereRaw('(leads.created_at, leads.id) < (?::timestamptz, ?)', [beforeAt, beforeId!]);
  if (status !== undefined) query.where('leads.status', status);
  if (locationId !== undefined) query.where('leads.location_id', locationId);
  if (from !== undefined) query.where('leads.desired_date', '>=', from);
  if (to !== undefined) query.where('leads.desired_date', '<=', to);
  if (pattern !== undefined) {
    query.where((where) => {
      // Each comparison is on the expression of its trigram index (20261206010000_lead_search_indexes), so PostgreSQL can
      // find the matches there rather than read every lead of the company. "first last first": the name in either order.
      where
        .whereRaw(`lower(leads.first_name || ' ' || leads.last_name || ' ' || leads.first_name) like lower(?)`, [pattern])
        .orWhereRaw(`lower(leads.email) like lower(?)`, [pattern]);
      // Phone numbers compare by their digits, whatever the notation.
      if (digitsPattern !== undefined) where.orWhereRaw(`regexp_replace(leads.phone, '[^0-9]', '', 'g') like ?`, [digitsPattern]);
      if (platePattern !== undefined) {
        where.orWhereRaw(`regexp_replace(upper(leads.plate), '[^A-Z0-9]', '', 'g') like ?`, [platePattern]).orWhere('leads.vin', 'like', platePattern);
      }
    });
  }
  return query;
}, { plannedForEachRunWith: 'pattern' });

export interface LeadBadge {
  /** New leads of the company, counted up to 10: the badge shows "9+" above nine */
  newLeads: number;
  /** how often the lead manager and the badge refresh: the company's smallest setting */
  refreshSeconds: number;
}

const defaultRefreshSeconds = 60;

/**
 * M6: the badge's two figures as columns of a query over a company
 * (`companyId`: its SQL, a column or a placeholder); the count stops at ten
 * rows of the (company_id, status, created_at) index. In that index's order:
 * the company is a column of the outer row, whose value the plan does not
 * know, and priced at an average company's share of New leads a sequential
 * scan that stops at the tenth looked cheaper; for a small company beside a
 * large one it read the whole table.
 */
export const leadBadgeColumnsSql = (companyId: string) =>
  `(select count(*) from (select 1 from leads where company_id = ${companyId} and status = 'new' order by created_at desc limit 10) as capped) as new_leads,
   (select min(lead_refresh_seconds) from locations where company_id = ${companyId}) as refresh_seconds`;

/** The badge from the columns of leadBadgeColumnsSql. */
export const leadBadgeOf = (row: { new_leads: number; refresh_seconds: number | null }): LeadBadge => ({
  newLeads: row.new_leads,
  refreshSeconds: row.refresh_seconds ?? defaultRefreshSeconds,
});

/** M6: one round trip (its own endpoint's poll; a staff page has it from loadStaff, db/staff.ts staffOfRequest). */
export async function leadBadge(db: Knex, companyId: number): Promise<LeadBadge> {
  const [row] = await preparedQuery<{ new_leads: number; refresh_seconds: number | null }>(db, db.raw(`select ${leadBadgeColumnsSql('c.id')} from (select ?::int as id) as c`, [companyId]));
  return leadBadgeOf(row!);
}

export interface LeadManagerLookups {
  /** how often the lead manager refreshes: the filtered location's setting, else the company's smallest */
  refreshSeconds: number;
  /** the company's locations to filter by, by name (whole pages only) */
  locations: { id: number; name: string }[];
  /** M5: somebody takes the online requests, an active staff user marked as acceptor (true for the table alone, which shows no warning) */
  acceptorSet: boolean;
}

/**
 * What the lead manager shows around its table, in one round trip: the
 * refresh interval, and for the whole page (not the table alone) the
 * location choices and whether anybody takes online requests.
 */
export async function leadManagerLookups(
  db: Knex,
  companyId: number,
  { locationId, wholePage }: { locationId?: number; wholePage: boolean },
): Promise<LeadManagerLookups> {
  const [row] = await preparedQuery<{ refresh_seconds: number | null; locations?: { id: number; name: string }[]; acceptor_set?: boolean }>(
    db,
    db.raw(
      `select (select min(lead_refresh_seconds) from locations where company_id = c.id${locationId ? ' and id = c.location_id' : ''}) as refresh_seconds
              ${
                wholePage
                  ? `, (select coalesce(json_agg(json_build_object('id', id, 'name', name) order by name), '[]') from locations where company_id = c.id) as locations,
                     exists (select 1 from staff_users where company_id = c.id and active and takes_online_requests) as acceptor_set`
                  : ''
              }
         from (select ?::int as id, ?::int as location_id) as c`,
      [companyId, locationId ?? null],
    ),
  );
  return { refreshSeconds: row!.refresh_seconds ?? defaultRefreshSeconds, locations: row!.locations ?? [], acceptorSet: row!.acceptor_set ?? true };
}

export interface LeadDetail extends LeadRow {
  language: string;
  remarks: string;
  customer_number: string | null;
  street: string;
  postal_code: string;
  city: string;
  vin: string;
  mileage: number | null;
  gdpr_consent_at: Date;
  appointment_id: number | null;
  updated_at: Date;
}

export async function findLead(db: Knex, companyId: number, leadId: number): Promise<LeadDetail | undefined> {
  return db('leads')
    .join('locations', 'locations.id', 'leads.location_id')
    .where({ 'leads.id': leadId, 'leads.company_id': companyId })
    .first<LeadDetail | undefined>(
      ...[
        'id', 'status', 'language', 'created_at', 'updated_at', 'time_window', 'services', 'remarks', 'customer_number',
        'first_name', 'last_name', 'email', 'phone', 'street', 'postal_code', 'city', 'gdpr_consent_at',
        'plate', 'vin', 'make', 'model', 'mileage', 'location_id', 'appointment_id',
      ].map((column) => `leads.${column}`),
      db.raw(`to_char(leads.desired_date, 'YYYY-MM-DD') as desired_date`),
      'locations.name as location_name',
      'locations.time_zone',
    );
}

export interface LeadEvent {
  id: number;
  from_status: LeadStatus | null;
  to_status: LeadStatus;
  staff_name: string | null;
  note: string;
  at: Date;
}

/** The lead's status history, oldest first, with who changed it (null: the customer or the system). */
export async function leadHistory(db: Knex, leadId: number): Promise<LeadEvent[]> {
  return db('lead_events')
    .leftJoin('staff_users', 'staff_users.id', 'lead_events.staff_id')
    .where('lead_events.lead_id', leadId)
    .orderBy([{ column: 'lead_events.at' }, { column: 'lead_events.id' }])
    .select<LeadEvent[]>(
      'lead_events.id',
      'lead_events.from_status',
      'lead_events.to_status',
      'staff_users.name as staff_name',
      'lead_events.note',
      'lead_events.at',
    );
}

/** What staff may correct on a lead: contact, vehicle and remarks (never its status or request). */
export interface LeadDetails extends ContactFields {
  customer_number: string | null;
  plate: string;
  vin: string;
  make: string;
  model: string;
  mileage: number | null;
  remarks: string;
}

/**
 * Saves staff corrections. A closed lead (rejected, cancelled by the
 * customer) is only changed when `closedAllowed`; the condition sits in the
 * update itself, so a lead closed while the form was open stays unchanged.
 * Answers whether the lead was changed.
 */
export async function updateLeadDetails(
  db: Knex,
  companyId: number,
  leadId: number,
  details: LeadDetails,
  { closedAllowed }: { closedAllowed: boolean },
): Promise<boolean> {
  const query = db('leads').where({ id: leadId, company_id: companyId });
  if (!closedAllowed) query.whereNotIn('status', closedLeadStatuses);
  return (await query.update({ ...details, updated_at: db.fn.now() })) > 0;
}

// Online service booking settings (M1, M5): per location, the acceptors, the company's SMS switch.

export interface BookingLocationSettings {
  id: number;
  name: string;
  service_booking_enabled: boolean;
  lead_refresh_seconds: number;
  service_catalogue: string[];
}

export interface AcceptorChoice {
  id: number;
  name: string;
  role: Role;
  takes_online_requests: boolean;
}

export interface OnlineBookingSettings {
  locations: BookingLocationSettings[];
  /** the company's active staff, who may take online requests */
  staff: AcceptorChoice[];
  smsEnabled: boolean;
  /** W1: reminders by WhatsApp, switched on this page too */
  whatsappEnabled: boolean;
}

export async function onlineBookingSettings(db: Knex, companyId: number): Promise<OnlineBookingSettings> {
  const [locations, staff, company] = await Promise.all([
    db('locations')
      .where({ company_id: companyId })
      .orderBy('name')
      .select<BookingLocationSettings[]>('id', 'name', 'service_booking_enabled', 'lead_refresh_seconds', 'service_catalogue'),
    db('staff_users')
      .where({ company_id: companyId, active: true })
      .orderBy('name')
      .select<AcceptorChoice[]>('id', 'name', 'role', 'takes_online_requests'),
    db('companies').where({ id: companyId }).first<{ sms_enabled: boolean; whatsapp_enabled: boolean } | undefined>('sms_enabled', 'whatsapp_enabled'),
  ]);
  return { locations, staff, smsEnabled: company?.sms_enabled ?? false, whatsappEnabled: company?.whatsapp_enabled ?? false };
}

export interface OnlineBookingChanges {
  locations: { id: number; service_booking_enabled: boolean; lead_refresh_seconds: number; service_catalogue: string[] }[];
  acceptorIds: number[];
  smsEnabled: boolean;
  /** undefined: left as it is (the deployment has no WhatsApp provider, the switch is not offered) */
  whatsappEnabled?: boolean;
}

/** Saves the whole settings page in one transaction; only the company's own locations and staff are touched. */
export async function saveOnlineBookingSettings(db: Knex, companyId: number, changes: OnlineBookingChanges): Promise<void> {
  await db.transaction(async (trx) => {
    for (const { id, ...settings } of changes.locations) {
      await trx('locations').where({ id, company_id: companyId }).update(settings);
    }
    // Everybody not ticked stops taking requests, inactive users included (they were not offered).
    await trx('staff_users')
      .where({ company_id: companyId })
      .update({ takes_online_requests: trx.raw('id = any(?::int[])', [changes.acceptorIds]) });
    await trx('companies')
      .where({ id: companyId })
      .update({ sms_enabled: changes.smsEnabled, ...(changes.whatsappEnabled === undefined ? {} : { whatsapp_enabled: changes.whatsappEnabled }) });
  });
}
