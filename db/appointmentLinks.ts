import type { TFunction } from 'i18next';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { visitCalendar } from '../lib/calendar';
import { estimateSlotHasRoom, type AppointmentKind, appointmentVehicleColumns } from './appointments';
import { localDay } from '../lib/time';
import { dayMargin, effectiveFlowType, holdRepairDay, type FlowType } from './repairBookings';

/**
 * B1: the customer's own link to an appointment (`/v/<token>`): they see it,
 * download its .ics, move it to another free slot of its kind or cancel it,
 * until the location's cut-off. Only the token's hash is stored (as for
 * check-in links); every confirmation carries a new link, earlier ones stay valid.
 */

/** An appointment as the customer's own page shows it, with what its rules need. */
export interface OwnVisit {
  id: number;
  company_id: number;
  kind: AppointmentKind;
  status: 'planned' | 'cancelled' | 'done';
  starts_at: Date;
  ends_at: Date;
  sequence: number;
  job_id: number | null;
  job_number: string | null;
  lead_id: number | null;
  services: string[];
  customer_id: number | null;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  language: string;
  plate: string;
  make: string;
  model: string;
  location_id: number;
  location_name: string;
  location_address: string;
  location_phone: string;
  time_zone: string;
  self_service_cutoff_hours: number;
}

function ownVisits(db: Knex) {
  return db('appointments as a')
    .join('locations as l', 'l.id', 'a.location_id')
    .leftJoin('vehicles as v', 'v.id', 'a.vehicle_id')
    .leftJoin('jobs as j', 'j.id', 'a.job_id')
    .select(
      'a.id', 'a.company_id', 'a.kind', 'a.status', 'a.starts_at', 'a.ends_at', 'a.sequence', 'a.job_id', 'j.job_number', 'a.lead_id',
      'a.services', 'a.customer_id', 'a.first_name', 'a.last_name', 'a.email', 'a.phone', 'a.language',
      ...appointmentVehicleColumns(db),
      'a.location_id', 'l.name as location_name', 'l.address as location_address', 'l.phone as location_phone', 'l.time_zone',
      'l.self_service_cutoff_hours',
    );
}

/** One more manage link to the appointment (by its token's hash). */
export async function addAppointmentLink(db: Knex, appointmentId: number, tokenHash: string): Promise<void> {
  await db('appointment_links').insert({ token_hash: tokenHash, appointment_id: appointmentId }).onConflict('token_hash').ignore();
}

/** The appointment whose manage link hashes to `tokenHash`, whatever its status. */
export async function findOwnVisitByTokenHash(db: Knex, tokenHash: string): Promise<OwnVisit | undefined> {
  return ownVisits(db).join('appointment_links as k', 'k.appointment_id', 'a.id').where('k.token_hash', tokenHash).first<OwnVisit>();
}

export async function findOwnVisit(db: Knex, appointmentId: number): Promise<OwnVisit | undefined> {
  return ownVisits(db).where('a.id', appointmentId).first<OwnVisit>();
}

/**
 * Whether the customer may still change the appointment themselves: it is
 * planned and begins at least the location's cut-off from now.
 */
export const selfServiceOpen = (visit: Pick<OwnVisit, 'status' | 'starts_at' | 'self_service_cutoff_hours'>, now = new Date()) =>
  visit.status === 'planned' && visit.starts_at.getTime() - now.getTime() >= visit.self_service_cutoff_hours * 3_600_000;

/**
 * Planned service appointments per local day ("YYYY-MM-DD") of a location
 * in [from, to), the one being moved left out (B1: a service appointment
 * moves into a day with room in `locations.service_daily_capacity`).
 */
export async function serviceDayUsage(db: Knex, q: { locationId: number; timeZone: string; from: Date; to: Date; exceptAppointmentId: number }): Promise<Map<string, number>> {
  const { rows } = await db.raw<{ rows: { day: string; count: number }[] }>(
    `select to_char(a.starts_at at time zone :zone, 'YYYY-MM-DD') as day, count(*)::int as count
       from appointments a
      where a.kind = 'service' and a.status = 'planned' and a.location_id = :location and a.id <> :except
        and a.starts_at >= :from and a.starts_at < :to
      group by 1`,
    { zone: q.timeZone, location: q.locationId, from: q.from, to: q.to, except: q.exceptAppointmentId },
  );
  return new Map(rows.map((row) => [row.day, row.count]));
}

export type OwnMoveResult =
  | { moved: true; previous: { startsAt: Date; endsAt: Date }; flowTypeId: number | null }
  | { moved: false; reason: 'closed' | 'full' };

/**
 * B1/B3: the customer moves their appointment. Takes the lock the booking
 * hold of its kind takes (the location row for estimate and service slots,
 * the damage flow type row for repair days, see db/bookings.ts holdSlot),
 * so a move and a booking, or two moves, into the last place queue up;
 * then, under the appointment's row lock, checks it is still the
 * customer's to change, counts the new slot or day against its capacity
 * and writes the row (one SEQUENCE more), in that one transaction. The
 * customer's event goes to their timeline in the same transaction.
 */
export async function moveOwnVisit(db: Knex, appointmentId: number, startsAt: Date, endsAt: Date, now = new Date()): Promise<OwnMoveResult> {
  return db.transaction(async (trx) => {
    const first = await trx('appointments').where({ id: appointmentId }).first('kind', 'location_id', 'job_id');
    if (!first) return { moved: false, reason: 'closed' };
    const repairDay = first.kind === 'repair' && first.job_id !== null;
    // Estimate and service places are counted per location: its row is the lock (as the estimate hold's).
    const location = await trx('locations')
      .where({ id: first.location_id })
      .modify((query) => void (repairDay ? query : query.forNoKeyUpdate()))
      .first();
    let flow: FlowType | undefined;
    if (repairDay) {
      // A repair day is counted per damage flow type: its row is the lock (as the repair hold's, holdRepairDay).
      const flowId = await effectiveFlowType(trx, first.job_id).then((found) => found.id, () => undefined);
      flow = await trx('damage_flow_types').where({ id: flowId ?? 0 }).forNoKeyUpdate().first<FlowType>();
    }
    const visit = await trx('appointments').where({ id: appointmentId }).forUpdate().first('id', 'status', 'kind', 'starts_at', 'ends_at', 'customer_id', 'job_id');
    if (!visit || !location || !selfServiceOpen({ status: visit.status, starts_at: visit.starts_at, self_service_cutoff_hours: location.self_service_cutoff_hours }, now)) {
      return { moved: false, reason: 'closed' };
    }

    let room: boolean;
    if (visit.kind === 'estimate') {
      room = await estimateSlotHasRoom(trx, location.id, startsAt, visit.id);
    } else if (repairDay) {
      if (!flow) return { moved: false, reason: 'closed' };
      room = await holdRepairDay(trx, { location_id: location.id, job_id: visit.job_id, slot_start: startsAt, damage_flow_type_id: flow.id });
    } else {
      const usage = await serviceDayUsage(trx, {
        locationId: location.id,
        timeZone: location.time_zone,
        from: new Date(startsAt.getTime() - dayMargin),
        to: new Date(startsAt.getTime() + dayMargin),
        exceptAppointmentId: visit.id,
      });
      room = (usage.get(localDay(startsAt, location.time_zone)) ?? 0) < location.service_daily_capacity;
    }
    if (!room) return { moved: false, reason: 'full' };

    await trx('appointments')
      .where({ id: visit.id })
      .update({ starts_at: startsAt, ends_at: endsAt, sequence: trx.raw('sequence + 1'), updated_at: trx.fn.now() });
    if (visit.customer_id) {
      await trx('customer_events').insert({
        customer_id: visit.customer_id,
        appointment_id: visit.id,
        kind: 'appointment_moved',
        details: { visit: visit.kind, from: localTime(visit.starts_at, location.time_zone), to: localTime(startsAt, location.time_zone) },
      });
    }
    return { moved: true, previous: { startsAt: visit.starts_at, endsAt: visit.ends_at }, flowTypeId: flow?.id ?? null };
  });
}

/**
 * Puts a moved appointment back where it was (the job's D4 workflow refused
 * the new date: the vehicle is in meanwhile); its timeline event goes with it.
 */
export async function undoOwnMove(db: Knex, appointmentId: number, movedTo: Date, previous: { startsAt: Date; endsAt: Date }): Promise<void> {
  await db.transaction(async (trx) => {
    const updated = await trx('appointments')
      .where({ id: appointmentId, starts_at: movedTo })
      .update({ starts_at: previous.startsAt, ends_at: previous.endsAt, sequence: trx.raw('sequence + 1'), updated_at: trx.fn.now() });
    if (updated > 0) {
      const last = await trx('customer_events').where({ appointment_id: appointmentId, kind: 'appointment_moved' }).orderBy('id', 'desc').first('id');
      if (last) await trx('customer_events').where({ id: last.id }).delete();
    }
  });
}

/** B1: the customer cancelled their appointment through their link: it goes on their timeline. */
export async function recordOwnCancellation(db: Knex, visit: Pick<OwnVisit, 'id' | 'customer_id' | 'kind' | 'starts_at' | 'time_zone'>): Promise<void> {
  if (!visit.customer_id) return;
  await db('customer_events').insert({
    customer_id: visit.customer_id,
    appointment_id: visit.id,
    kind: 'appointment_cancelled',
    details: { visit: visit.kind, from: localTime(visit.starts_at, visit.time_zone) },
  });
}

/** A time as the timeline shows it: the location's wall clock. */
const localTime = (date: Date, timeZone: string) => DateTime.fromJSDate(date, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm');

/** The visit's .ics, worded in `t`'s language, with its manage link. */
export function ownVisitCalendar(visit: OwnVisit, t: TFunction, publicUrl: string, manageUrl: string): string {
  const location = [visit.location_name, visit.location_address].filter(Boolean).join(', ');
  return visitCalendar(
    {
      appointmentId: visit.id,
      sequence: visit.sequence,
      status: visit.status,
      startsAt: visit.starts_at,
      endsAt: visit.ends_at,
      timeZone: visit.time_zone,
      summary: t(`visit.calendar.summary.${visit.kind}`, { location: visit.location_name }),
      location,
      description: t('visit.calendar.description', { link: manageUrl, phone: visit.location_phone }),
      url: manageUrl,
    },
    publicUrl,
  );
}
