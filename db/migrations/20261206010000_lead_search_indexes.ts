import type { Knex } from 'knex';
import { createIndexConcurrently, outsideTransaction } from './concurrentIndexes';

/**
 * Issue 14: the lead manager's search (db/leadManager.ts) finds a lead by
 * any part of its name (either order), e-mail address, phone digits, plate
 * or VIN. Each now has a trigram index on the expression the search
 * compares, so a search over all statuses reads the leads that match (a
 * bitmap OR of these), not every lead of the company in turn. The name's
 * "first last first" holds both orders in one value. Built concurrently
 * (./concurrentIndexes.ts).
 */
const indexes = {
  leads_name_trgm: `lower(first_name || ' ' || last_name || ' ' || first_name)`,
  leads_email_trgm: `lower(email)`,
  leads_phone_digits_trgm: `regexp_replace(phone, '[^0-9]', '', 'g')`,
  leads_plate_trgm: `regexp_replace(upper(plate), '[^A-Z0-9]', '', 'g')`,
  leads_vin_trgm: `vin`,
};

export const config = outsideTransaction;

export async function up(knex: Knex): Promise<void> {
  for (const [name, expression] of Object.entries(indexes)) await createIndexConcurrently(knex, name, `leads using gin ((${expression}) gin_trgm_ops)`);
}

export async function down(knex: Knex): Promise<void> {
  for (const name of Object.keys(indexes)) await knex.raw(`drop index if exists ${name}`);
}
