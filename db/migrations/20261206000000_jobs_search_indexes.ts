import type { Knex } from 'knex';
import { createIndexConcurrently, outsideTransaction } from './concurrentIndexes';

/**
 * Issue 14: the staff jobs search (db/jobs.ts) finds a job by its number,
 * its customer's name or its plate, any part of them. Each of those is now
 * found from an index, and the jobs from the customers and vehicles found
 * (a bitmap OR of jobs' indexes), instead of reading every job of the
 * company with its customer and vehicle: trigrams of the normalised plate
 * (the name has customers_name_trgm), and the jobs of a vehicle (a
 * customer's jobs have jobs_customer_created). Built concurrently
 * (./concurrentIndexes.ts).
 */
export const config = outsideTransaction;

export async function up(knex: Knex): Promise<void> {
  await createIndexConcurrently(knex, 'vehicles_plate_trgm', `vehicles using gin (plate_normalized gin_trgm_ops)`);
  await createIndexConcurrently(knex, 'jobs_vehicle', `jobs (vehicle_id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`drop index if exists jobs_vehicle`);
  await knex.raw(`drop index if exists vehicles_plate_trgm`);
}
