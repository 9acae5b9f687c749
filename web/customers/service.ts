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

/** An entry as the page shows it: its time and the dates inside it worded in its location's zone. */
function entryView(entry: TimelineEntry, fallbackZone: string, language: string) {
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

export type TimelineEntryView = ReturnType<typeof entryView>;

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
    entries: page.entries.map((entry) => entryView(entry, zone, language)),
    before: query.before !== undefined,
    newestUrl: customerPageUrl(customer.id, chosen),
    moreUrl: page.next ? customerPageUrl(customer.id, chosen, page.next) : null,
  };
}
