import type { Knex } from 'knex';
import {
  customerTimeline,
  customerVehicles,
  findCustomerFile,
  parseTimelineCursor,
  timelineFilters,
  type TimelineCursor,
  type TimelineEntry,
  type TimelineFilter,
} from '../../db/customerTimeline';
import { companyTimeZone } from '../../db/locations';
import type { StaffUser } from '../../db/staff';
import { formatCalendarDate, formatLocalDateTimeShort } from '../../lib/time';
import { UserError } from '../errors';
import { duplicateCandidates, findCustomer, findCustomerByNumber, type Candidate, type MasterCustomer } from '../../db/appointments';
import { mergeCustomers, MergeRefusedError, type MergedCustomers } from '../../db/customers';
import { normalizePhone } from '../../lib/phones';

/**
 * Who reads what on the customer page: every staff role reads the file, but a
 * mechanic (the workshop floor) sees neither the contact data nor what only
 * carries it: no messages, no changes (they are contact changes, check-in
 * answers). Their timeline is jobs, appointments and requests.
 */
const readableFilters = (staff: Pick<StaffUser, 'role'>): readonly TimelineFilter[] =>
  staff.role === 'mechanic' ? ['jobs', 'appointments', 'leads'] : timelineFilters;

export interface CustomerPageQuery {
  /** the filters ticked; empty: everything */
  filters: TimelineFilter[];
  before?: TimelineCursor;
}

/** The page's query: `type` (repeated, unknown values ignored) and `before=<timestamp,id>` (refused when malformed). */
export function parseCustomerPageQuery(query: Record<string, unknown>): CustomerPageQuery {
  const types = [query.type].flat().filter((value): value is string => typeof value === 'string');
  const filters = timelineFilters.filter((filter) => types.includes(filter));
  if (query.before === undefined || query.before === '') return { filters };
  const before = typeof query.before === 'string' ? parseTimelineCursor(query.before) : undefined;
  if (!before) throw new UserError('badRequest', 400, `not a timeline cursor: ${String(query.before).slice(0, 100)}`);
  return { filters, before };
}

/** The URL of the page with these filters (and a cursor): the filter form's and "load more"'s target. */
export function customerPageUrl(customerId: number, filters: readonly TimelineFilter[], before?: string): string {
  const params = new URLSearchParams();
  for (const filter of filters) params.append('type', filter);
  if (before) params.set('before', before);
  const query = params.toString();
  return `/staff/customers/${customerId}${query ? `?${query}` : ''}`;
}

/** An entry as the page shows it: its time and the dates inside it worded in its location's zone (the conversation page's messages too). */
export function timelineEntryView(entry: TimelineEntry, fallbackZone: string, language: string) {
  const zone = entry.time_zone ?? fallbackZone;
  const at = (value: unknown) => (typeof value === 'string' && value ? formatLocalDateTimeShort(new Date(value), zone, language) : '');
  const d = entry.details;
  return {
    ...entry,
    iso: entry.at.toISOString(),
    when: formatLocalDateTimeShort(entry.at, zone, language),
    /** what the title interpolates: the visit's or slot's date, the job number, ... */
    titleValues: {
      date: at(d.startsAt ?? d.slotStart),
      jobNumber: d.jobNumber ?? '',
      kind: d.kind ?? '',
    },
    sentAt: at(d.sentAt),
    desiredDay: typeof d.desiredDate === 'string' ? formatCalendarDate(d.desiredDate, language) : '',
    /** a change's details as label/value pairs, whatever the event wrote; empty lists and our own keys left out */
    detailRows:
      entry.type === 'change'
        ? Object.entries(d)
            .filter(([key, value]) => key !== 'kind' && key !== 'appointmentId' && value !== null && !(Array.isArray(value) && value.length === 0))
            .sort(([a], [b]) => detailRank(a) - detailRank(b))
            .map(([key, value]) => ({ key, value: asText(value) }))
        : [],
  };
}

export type TimelineEntryView = ReturnType<typeof timelineEntryView>;

/** A change reads "field, before, after" (jsonb keeps its keys in its own order); keys we do not know follow. */
const detailOrder = ['field', 'from', 'to', 'accepted', 'contact_me', 'remarks'];
const detailRank = (key: string) => (detailOrder.includes(key) ? detailOrder.indexOf(key) : detailOrder.length);

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? value.map(asText).join(', ') : JSON.stringify(value);

/**
 * B2: the customer page of one customer of the staff member's company: the
 * header (contact data where the role reads it), the vehicles, and one page
 * of the timeline. Undefined when there is no such customer (404).
 */
export async function customerPage(db: Knex, staff: Pick<StaffUser, 'company_id' | 'role'>, customerId: number, query: CustomerPageQuery, language: string) {
  const customer = await findCustomerFile(db, staff.company_id, customerId);
  if (!customer) return undefined;
  const readable = readableFilters(staff);
  const chosen = query.filters.filter((filter) => readable.includes(filter));
  // Only filters this role may not read were ticked: nothing to show, rather than everything.
  const nothing = query.filters.length > 0 && chosen.length === 0;
  const [zone, vehicles, page] = await Promise.all([
    companyTimeZone(db, staff.company_id),
    customerVehicles(db, customer.id),
    nothing ? { entries: [], next: null } : customerTimeline(db, customer, { filters: chosen.length > 0 ? chosen : readable, before: query.before }),
  ]);
  const seesContact = staff.role !== 'mechanic';
  return {
    customer: seesContact
      ? customer
      : { id: customer.id, customer_number: customer.customer_number, first_name: customer.first_name, last_name: customer.last_name },
    seesContact,
    vehicles,
    filters: readable.map((filter) => ({ filter, checked: chosen.includes(filter) })),
    entries: page.entries.map((entry) => timelineEntryView(entry, zone, language)),
    before: query.before !== undefined,
    newestUrl: customerPageUrl(customer.id, chosen),
    moreUrl: page.next ? customerPageUrl(customer.id, chosen, page.next) : null,
  };
}

// M7: merging a duplicate into this customer.
/** What moves with a duplicate, as the confirmation shows it. */
export interface MergeCounts {
  jobs: number;
  vehicles: number;
  appointments: number;
  messages: number;
}

/**
 * M7 merge, step 1: the duplicates of `customer` by the M7 duplicate search
 * (e-mail, phone in any notation, similar name, address) — of the customer
 * itself, or of what staff typed (a name, e-mail address, phone number or
 * customer number). Never the customer itself.
 */
export async function mergeCandidates(db: Knex, companyId: number, customer: MasterCustomer & { street: string; postal_code: string }, query: string): Promise<Candidate[]> {
  const q = query.trim();
  const contact = q
    ? {
        first_name: q.includes('@') ? '' : q,
        last_name: '',
        email: q.includes('@') ? q : '',
        phone: normalizePhone(q) ? q : '',
        street: '',
        postal_code: '',
      }
    : customer;
  const found = (await duplicateCandidates(db, companyId, contact, 11)).filter((c) => c.id !== customer.id);
  if (q) {
    const byNumber = await findCustomerByNumber(db, companyId, q);
    if (byNumber && byNumber.id !== customer.id && !found.some((c) => c.id === byNumber.id)) found.unshift({ ...byNumber, score: 10, reasons: [] });
  }
  return found.slice(0, 10);
}

/** M7 merge, step 2: the chosen duplicate and what would move with it. */
export async function mergePreview(db: Knex, companyId: number, keepId: number, duplicateId: number): Promise<{ duplicate: MasterCustomer; counts: MergeCounts } | undefined> {
  const duplicate = duplicateId !== keepId ? await findCustomer(db, companyId, duplicateId) : undefined;
  if (!duplicate) return undefined;
  const count = async (table: string) => Number((await db(table).where({ customer_id: duplicateId }).count({ n: '*' }).first())?.n ?? 0);
  return {
    duplicate,
    counts: { jobs: await count('jobs'), vehicles: await count('vehicles'), appointments: await count('appointments'), messages: await count('sent_messages') },
  };
}

/** M7 merge, step 3: staff confirmed. A duplicate merged meanwhile (or never this company's) is refused with its reason, not a 500. */
export async function mergeDuplicate(
  db: Knex,
  companyId: number,
  keepId: number,
  duplicateId: number,
  staffId: number,
): Promise<{ ok: true; merged: MergedCustomers } | { ok: false; refusal: MergeRefusedError['code'] }> {
  try {
    return { ok: true, merged: await mergeCustomers(db, companyId, keepId, duplicateId, staffId) };
  } catch (error) {
    if (error instanceof MergeRefusedError) return { ok: false, refusal: error.code };
    throw error;
  }
}
