import type { Knex } from 'knex';
import type { LeadStatus } from '../workflows/lead.contract';

/** What a customer typed into the online service booking form (M1). */
export interface LeadRequest {
  companyId: number;
  locationId: number;
  language: string;
  desiredDate: string; // YYYY-MM-DD, the location's calendar
  timeWindow: 'morning' | 'afternoon' | 'any';
  services: string[];
  remarks: string;
  customerNumber: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  street: string;
  postalCode: string;
  city: string;
  plate: string;
  vin: string;
  make: string;
  model: string;
  mileage: number | null;
  consentAt: Date;
}

export async function insertLead(db: Knex, request: LeadRequest): Promise<number> {
  const [{ id }] = await db('leads')
    .insert({
      company_id: request.companyId,
      location_id: request.locationId,
      language: request.language,
      desired_date: request.desiredDate,
      time_window: request.timeWindow,
      services: request.services,
      remarks: request.remarks,
      customer_number: request.customerNumber || null,
      first_name: request.firstName,
      last_name: request.lastName,
      email: request.email,
      phone: request.phone,
      street: request.street,
      postal_code: request.postalCode,
      city: request.city,
      plate: request.plate,
      vin: request.vin.toUpperCase(),
      make: request.make,
      model: request.model,
      mileage: request.mileage,
      gdpr_consent_at: request.consentAt,
    })
    .returning('id');
  await db('lead_events').insert({ lead_id: id, from_status: null, to_status: 'new' });
  return id;
}

/** A request whose workflow never started is taken back, so nobody waits on it. */
export async function deleteLead(db: Knex, id: number): Promise<void> {
  await db('leads').where({ id, status: 'new' }).delete();
}

export interface LeadSummary {
  id: number;
  company_id: number;
  location_id: number;
  status: LeadStatus;
  language: string;
  desired_date: string;
  time_window: 'morning' | 'afternoon' | 'any';
  services: string[];
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  plate: string;
  make: string;
  model: string;
}

const summaryColumns = (db: Knex) => [
  'id', 'company_id', 'location_id', 'status', 'language', 'time_window', 'services',
  'first_name', 'last_name', 'email', 'phone', 'plate', 'make', 'model',
  db.raw(`to_char(desired_date, 'YYYY-MM-DD') as desired_date`),
];

export async function findLeadSummary(db: Knex, id: number): Promise<LeadSummary | undefined> {
  return db('leads').where({ id }).first<LeadSummary>(summaryColumns(db));
}

export async function findLeadByCancelTokenHash(db: Knex, hash: string): Promise<LeadSummary | undefined> {
  return db('leads').where({ cancel_token_hash: hash }).first<LeadSummary>(summaryColumns(db));
}

/**
 * Writes a status change the lead workflow decided, with its history row.
 * Idempotent: a retried activity finds the status already changed and
 * writes nothing more.
 */
export async function recordLeadStatus(
  db: Knex,
  change: { leadId: number; from: LeadStatus; to: LeadStatus; staffId: number | null; note: string },
): Promise<void> {
  await db.transaction(async (trx) => {
    const updated = await trx('leads')
      .where({ id: change.leadId, status: change.from })
      .update({ status: change.to, updated_at: trx.fn.now() });
    if (updated === 0) return;
    await trx('lead_events').insert({
      lead_id: change.leadId,
      from_status: change.from,
      to_status: change.to,
      staff_id: change.staffId,
      note: change.note,
    });
  });
}

/** The customer's cancel link: set once, with the acknowledgement it travels in. */
export async function setLeadCancelToken(trx: Knex, leadId: number, hash: string): Promise<void> {
  await trx('leads').where({ id: leadId }).update({ cancel_token_hash: hash });
}

/** When the lead's appointment ends; null once it was deleted (cancelled). */
export async function appointmentEnd(db: Knex, appointmentId: number): Promise<Date | null> {
  const row = await db('appointments').where({ id: appointmentId }).whereNot({ status: 'cancelled' }).first('ends_at');
  return row?.ends_at ?? null;
}
