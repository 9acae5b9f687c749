import type { Knex } from 'knex';
import type { OpeningInterval, SlotRules } from '../lib/slots';

export interface Location {
  id: number;
  company_id: number;
  slug: string;
  name: string;
  address: string;
  phone: string;
  email: string;
  time_zone: string;
  portal_enabled: boolean;
  show_book_estimate: boolean;
  show_book_repair: boolean;
  show_follow_repair: boolean;
  show_add_photos: boolean;
  slot_minutes: number;
  slot_capacity: number;
  booking_horizon_days: number;
  booking_lead_minutes: number;
  /** P5: what "work started" on the status page shows */
  work_started_source: 'ready_for_start' | 'first_activity';
  /** P4: ISO weekdays (1 = Monday) with repair appointments, and the drop-off time ("08:00:00") */
  repair_weekdays: number[];
  repair_dropoff_time: string;
  /** M1: the online service booking form, its services, and how often the lead manager refreshes */
  service_booking_enabled: boolean;
  service_catalogue: string[];
  lead_refresh_seconds: number;
  /** B1: the customer moves or cancels through their link until this many hours before the start */
  self_service_cutoff_hours: number;
  /** B1: planned service appointments per day a customer may move into */
  service_daily_capacity: number;
}

export type LocationSettings = Pick<
  Location,
  | 'name'
  | 'address'
  | 'phone'
  | 'email'
  | 'time_zone'
  | 'portal_enabled'
  | 'show_book_estimate'
  | 'show_book_repair'
  | 'show_follow_repair'
  | 'show_add_photos'
  | 'slot_minutes'
  | 'slot_capacity'
  | 'booking_horizon_days'
  | 'booking_lead_minutes'
  | 'work_started_source'
  | 'repair_weekdays'
  | 'repair_dropoff_time'
  | 'self_service_cutoff_hours'
  | 'service_daily_capacity'
>;

export function slotRules(location: Location): SlotRules {
  return {
    timeZone: location.time_zone,
    slotMinutes: location.slot_minutes,
    horizonDays: location.booking_horizon_days,
    leadMinutes: location.booking_lead_minutes,
  };
}

/** NOTIFYed at the commit of any change to `locations` (migration 20261205000000). */
export const locationChangedChannel = 'location_changed';

export async function findLocationBySlug(db: Knex, slug: string): Promise<Location | undefined> {
  return db<Location>('locations').where({ slug }).first();
}

export async function findLocation(db: Knex, id: number): Promise<Location | undefined> {
  return db<Location>('locations').where({ id }).first();
}

/** The time zone staff screens of a company count days in: that of its first location. */
export async function companyTimeZone(db: Knex, companyId: number): Promise<string> {
  const first = await db('locations').where({ company_id: companyId }).orderBy('id').first<{ time_zone: string } | undefined>('time_zone');
  return first?.time_zone ?? 'Europe/Brussels';
}

export async function listLocations(db: Knex, companyId: number): Promise<Location[]> {
  return db<Location>('locations').where({ company_id: companyId }).orderBy('name');
}

export async function listPortalLocations(db: Knex, companyId: number): Promise<Location[]> {
  return db<Location>('locations').where({ company_id: companyId, portal_enabled: true }).orderBy('name');
}

export async function listAllPortalLocations(db: Knex): Promise<Location[]> {
  return db<Location>('locations').where({ portal_enabled: true }).orderBy('name');
}

export async function estimateHours(db: Knex, locationId: number): Promise<OpeningInterval[]> {
  const rows = await db('estimate_hours')
    .where({ location_id: locationId })
    .orderBy(['weekday', 'opens_at'])
    .select<{ weekday: number; opens_at: string; closes_at: string }[]>('weekday', 'opens_at', 'closes_at');
  return rows.map((row) => ({
    weekday: row.weekday,
    opensAt: row.opens_at.slice(0, 5),
    closesAt: row.closes_at.slice(0, 5),
  }));
}

/** Replaces a location's settings and estimate hours in one transaction. */
export async function saveLocationSettings(
  db: Knex,
  locationId: number,
  settings: LocationSettings,
  hours: OpeningInterval[],
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('locations').where({ id: locationId }).update(settings);
    await trx('estimate_hours').where({ location_id: locationId }).delete();
    if (hours.length > 0) {
      await trx('estimate_hours').insert(
        hours.map((h) => ({ location_id: locationId, weekday: h.weekday, opens_at: h.opensAt, closes_at: h.closesAt })),
      );
    }
  });
}
