import type { Knex } from 'knex';
import { appointmentVehicleColumns } from './appointments';
import { phoneColumns } from './customers';
import { preparedStatement } from './prepared';

/** How a customer wants to hear from the workshop (C1, C4). */
export type PreferredChannel = 'email' | 'sms';
/** C2: what a customer answers to an optional service; no answer is stored as nothing. */
export type ServiceAnswer = 'accepted' | 'contact_me';

/** An appointment as its online check-in page shows it (C2). */
export interface CheckinAppointment {
  id: number;
  company_id: number;
  status: 'planned' | 'cancelled' | 'done';
  starts_at: Date;
  ends_at: Date;
  customer_id: number | null;
  customer_number: string | null;
  is_cash_sale: boolean;
  preferred_channel: PreferredChannel;
  sms_enabled: boolean;
  whatsapp_enabled: boolean;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  language: string;
  plate: string;
  vin: string;
  make: string;
  model: string;
  checkin_completed_at: Date | null;
  location_id: number;
  location_slug: string;
  location_name: string;
  location_address: string;
  location_phone: string;
  time_zone: string;
}

/** Appointments with all their check-in page and its messages show (C1, C2, W1). */
function checkinAppointments(db: Knex) {
  return db('appointments as a')
    .join('locations as l', 'l.id', 'a.location_id')
    .join('companies as co', 'co.id', 'a.company_id')
    .leftJoin('customers as c', 'c.id', 'a.customer_id')
    .leftJoin('vehicles as v', 'v.id', 'a.vehicle_id')
    .select(
      'a.id', 'a.company_id', 'a.status', 'a.starts_at', 'a.ends_at', 'a.customer_id', 'c.customer_number',
      db.raw('coalesce(c.is_cash_sale, false) as is_cash_sale'),
      db.raw(`coalesce(c.preferred_channel, 'email') as preferred_channel`),
      'co.sms_enabled', 'co.whatsapp_enabled', 'a.first_name', 'a.last_name', 'a.email', 'a.phone', 'a.language',
      ...appointmentVehicleColumns(db),
      'a.checkin_completed_at', 'a.location_id', 'l.slug as location_slug', 'l.name as location_name',
      'l.address as location_address', 'l.phone as location_phone', 'l.time_zone',
    );
}

/** The appointment whose check-in link hashes to `tokenHash`, whatever its status. */
export async function findCheckinByTokenHash(db: Knex, tokenHash: string): Promise<CheckinAppointment | undefined> {
  // Every visit of a check-in page starts here: one prepared statement (the same text for every token), compiled once.
  const [appointment] = await checkinByTokenHash(db, tokenHash);
  return appointment;
}
const checkinByTokenHash = preparedStatement<[tokenHash: string], CheckinAppointment>((db, tokenHash) =>
  checkinAppointments(db).join('checkin_links as k', 'k.appointment_id', 'a.id').where('k.token_hash', tokenHash).limit(1),
);

/** One appointment for its check-in messages (D2), whatever its status. */
export async function findCheckinAppointment(db: Knex, id: number): Promise<CheckinAppointment | undefined> {
  return checkinAppointments(db).where('a.id', id).first<CheckinAppointment>();
}

/** One more link to the appointment's check-in (by its token's hash); earlier links stay valid. */
export async function addCheckinLink(db: Knex, appointmentId: number, hash: string): Promise<void> {
  await db('checkin_links').insert({ token_hash: hash, appointment_id: appointmentId }).onConflict('token_hash').ignore();
}

/**
 * Runs `work` under the appointment's row lock, which the check-in being
 * sent and its clean-up when check-in ends (D2) also take: a file stored
 * meanwhile is counted and kept or removed with the others, never between them.
 */
export async function lockAppointment<T>(db: Knex, appointmentId: number, work: () => Promise<T>): Promise<T> {
  return db.transaction(async (trx) => {
    await trx('appointments').where({ id: appointmentId }).forUpdate().first('id');
    return work();
  });
}

// ---- C4: the welcome step ----------------------------------------------------

export interface ContactPreferences {
  email: string;
  phone: string;
  /** absent when the customer was not offered a choice */
  channel?: PreferredChannel;
}

export interface ContactChange {
  kind: 'contact_changed' | 'channel_changed';
  field: 'email' | 'phone' | 'preferred_channel';
  from: string;
  to: string;
}

/**
 * C4: the customer corrects their e-mail / phone and chooses a channel. The
 * appointment's contact data and the master customer change together, and
 * each change is written to the customer's communication log, in one
 * transaction. The shared cash-sale customer is never changed: only this
 * appointment's contact data are. Answers what changed.
 */
export async function saveContactPreferences(db: Knex, appointmentId: number, wanted: ContactPreferences): Promise<ContactChange[]> {
  return db.transaction(async (trx) => {
    const appointment = await trx('appointments').where({ id: appointmentId }).forUpdate().first('id', 'customer_id', 'email', 'phone');
    if (!appointment) throw new Error(`appointment ${appointmentId} does not exist`);
    const customer = appointment.customer_id
      ? await trx('customers').where({ id: appointment.customer_id }).forUpdate().first('id', 'is_cash_sale', 'preferred_channel')
      : undefined;
    const changes: ContactChange[] = [];
    for (const field of ['email', 'phone'] as const) {
      if (wanted[field] !== appointment[field]) changes.push({ kind: 'contact_changed', field, from: appointment[field], to: wanted[field] });
    }
    const ownCustomer = customer && !customer.is_cash_sale ? customer : undefined;
    if (ownCustomer && wanted.channel && wanted.channel !== ownCustomer.preferred_channel) {
      changes.push({ kind: 'channel_changed', field: 'preferred_channel', from: ownCustomer.preferred_channel, to: wanted.channel });
    }
    if (changes.length === 0) return changes;

    const contact = Object.fromEntries(changes.filter((c) => c.kind === 'contact_changed').map((c) => [c.field, c.to]));
    if (Object.keys(contact).length > 0) {
      await trx('appointments').where({ id: appointmentId }).update({ ...contact, updated_at: trx.fn.now() });
    }
    if (ownCustomer) {
      const customerChanges = { ...contact, ...(contact.phone !== undefined ? phoneColumns(contact.phone) : {}), ...(wanted.channel ? { preferred_channel: wanted.channel } : {}) };
      await trx('customers').where({ id: ownCustomer.id }).update(customerChanges);
    }
    if (customer) {
      await trx('customer_events').insert(
        changes.map(({ kind, field, from, to }) => ({ customer_id: customer.id, appointment_id: appointmentId, kind, details: { field, from, to } })),
      );
    }
    return changes;
  });
}

// ---- C2/C3: answers, remarks, and submitting them ------------------------------

export interface OfferedService {
  id: number;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  link: string;
}

/** C2: the optional services a location offers at check-in, in their order. */
export async function offeredServices(db: Knex, locationId: number): Promise<OfferedService[]> {
  return db('location_services')
    .where({ location_id: locationId, active: true })
    .orderBy([{ column: 'position' }, { column: 'id' }])
    .select('id', 'name', 'description', 'price_cents', 'currency', 'link');
}

export interface ServiceAnswerInput {
  serviceId: number;
  answer: ServiceAnswer;
  /** name and price as the customer saw them */
  name: string;
  priceCents: number;
  currency: string;
}

export interface RemarkFileInput {
  kind: 'photo' | 'video';
  storedName: string;
  originalName: string;
  mimeType: string;
  sizeBytes: number;
}

export interface RemarkInput {
  subject: string;
  description: string;
  files: RemarkFileInput[];
}

export type SubmitOutcome = 'completed' | 'already_completed' | 'not_open';

/**
 * C2-C4 "send": the customer's answers and remarks become check-in items
 * (with their files), the appointment is marked checked in and the
 * communication log says so, in one transaction. The appointment row is
 * locked and must not be checked in yet, nor have begun, so a second
 * submit (another tab, a double click) adds nothing; the unique index on service answers is the
 * last line of defence.
 */
export async function submitCheckin(
  db: Knex,
  appointmentId: number,
  answers: { services: ServiceAnswerInput[]; remarks: RemarkInput[] },
): Promise<SubmitOutcome> {
  return db.transaction(async (trx) => {
    const appointment = await trx('appointments')
      .where({ id: appointmentId })
      .forUpdate()
      .first('id', 'status', 'location_id', 'customer_id', 'checkin_completed_at', trx.raw('starts_at <= now() as begun'));
    if (!appointment) throw new Error(`appointment ${appointmentId} does not exist`);
    if (appointment.checkin_completed_at) return 'already_completed';
    // Begun: check-in is closed, and the D2 workflow may have discarded the draft's files (under this same lock).
    if (appointment.status !== 'planned' || appointment.begun) return 'not_open';

    // A service removed from the catalogue meanwhile keeps its answer, without the link to it.
    const stillOffered = new Set<number>(
      (await trx('location_services').where({ location_id: appointment.location_id }).whereIn('id', answers.services.map((s) => s.serviceId)).pluck('id')),
    );
    if (answers.services.length > 0) {
      await trx('checkin_items')
        .insert(
          answers.services.map((s) => ({
            appointment_id: appointmentId,
            kind: 'service',
            location_service_id: stillOffered.has(s.serviceId) ? s.serviceId : null,
            answer: s.answer,
            service_name: s.name,
            price_cents: s.priceCents,
            currency: s.currency,
          })),
        )
        .onConflict(trx.raw(`(appointment_id, location_service_id) where kind = 'service'`))
        .ignore();
    }
    for (const remark of answers.remarks) {
      const [item] = await trx('checkin_items')
        .insert({ appointment_id: appointmentId, kind: 'remark', subject: remark.subject, description: remark.description })
        .returning('id');
      if (remark.files.length > 0) {
        await trx('checkin_files').insert(
          remark.files.map((f) => ({
            checkin_item_id: item.id,
            kind: f.kind,
            stored_name: f.storedName,
            original_name: f.originalName,
            mime_type: f.mimeType,
            size_bytes: f.sizeBytes,
          })),
        );
      }
    }
    await trx('appointments').where({ id: appointmentId }).update({ checkin_completed_at: trx.fn.now(), updated_at: trx.fn.now() });
    if (appointment.customer_id) {
      await trx('customer_events').insert({
        customer_id: appointment.customer_id,
        appointment_id: appointmentId,
        kind: 'checkin_completed',
        details: {
          accepted: answers.services.filter((s) => s.answer === 'accepted').map((s) => s.name),
          contact_me: answers.services.filter((s) => s.answer === 'contact_me').map((s) => s.name),
          remarks: answers.remarks.map((r) => r.subject),
        },
      });
    }
    return 'completed';
  });
}

// ---- C2 catalogue: optional services per location (admin) ----------------------

export interface LocationService extends OfferedService {
  location_id: number;
  position: number;
  converts_to_intervention: boolean;
  active: boolean;
}

export type LocationServiceInput = Pick<LocationService, 'name' | 'description' | 'price_cents' | 'link' | 'converts_to_intervention' | 'active' | 'position'>;

const serviceColumns = ['id', 'location_id', 'position', 'name', 'description', 'price_cents', 'currency', 'link', 'converts_to_intervention', 'active'];

export async function listLocationServices(db: Knex, locationId: number): Promise<LocationService[]> {
  return db('location_services')
    .where({ location_id: locationId })
    .orderBy([{ column: 'position' }, { column: 'id' }])
    .select(serviceColumns);
}

export async function findLocationService(db: Knex, locationId: number, id: number): Promise<LocationService | undefined> {
  return db('location_services').where({ location_id: locationId, id }).first(serviceColumns);
}

export async function createLocationService(db: Knex, locationId: number, input: LocationServiceInput): Promise<number> {
  const [row] = await db('location_services').insert({ ...input, location_id: locationId }).returning('id');
  return row.id;
}

export async function updateLocationService(db: Knex, locationId: number, id: number, input: LocationServiceInput): Promise<boolean> {
  return (await db('location_services').where({ location_id: locationId, id }).update(input)) > 0;
}

/** Answers already given keep the service's name and price; they only lose the link to it. */
export async function deleteLocationService(db: Knex, locationId: number, id: number): Promise<boolean> {
  return (await db('location_services').where({ location_id: locationId, id }).delete()) > 0;
}
