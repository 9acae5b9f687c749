import type { Knex } from 'knex';
import { normalizePhone } from '../../lib/phones';
import { foreignKeysTo } from '../schema';

// One customer file, one vehicle master (B2, M7, M8; db/customers.ts and
// db/vehicles.ts hold the rules): customers match on their phone in E.164
// (phone_normalized, computed by lib/phones.ts, so backfilled here in JS);
// vehicles belong to a company and are unique in it by VIN, or by normalised
// plate where they have no VIN. Duplicates that exist already are merged
// into the oldest row first, every reference to them repointed.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.text('phone_normalized').notNullable().defaultTo('');
  });
  const withPhone = await knex('customers').where('phone', '<>', '').select('id', 'phone');
  const normalized = withPhone.map((c) => ({ id: c.id as number, phone: normalizePhone(c.phone) })).filter((c) => c.phone);
  for (let i = 0; i < normalized.length; i += 1000) {
    const chunk = normalized.slice(i, i + 1000);
    await knex.raw(
      `update customers c set phone_normalized = v.phone from (values ${chunk.map(() => '(?::int, ?)').join(', ')}) as v(id, phone) where c.id = v.id`,
      chunk.flatMap((c) => [c.id, c.phone]),
    );
  }
  await knex.raw(`create index customers_phone_normalized on customers (company_id, phone_normalized)`);
  // The M7 search compared the last nine digits; it reads phone_normalized now.
  await knex.raw('drop index customers_phone');

  // A vehicle's company: its owner's, else that of a job or appointment it is on.
  await knex.schema.alterTable('vehicles', (t) => {
    t.integer('company_id').references('companies.id');
  });
  await knex.raw(`update vehicles v set company_id = c.company_id from customers c where c.id = v.customer_id`);
  await knex.raw(`update vehicles v set company_id = (select min(j.company_id) from jobs j where j.vehicle_id = v.id) where v.company_id is null`);
  await knex.raw(`update vehicles v set company_id = (select min(a.company_id) from appointments a where a.vehicle_id = v.id) where v.company_id is null`);
  const orphans = await knex('vehicles').whereNull('company_id').pluck('id');
  if (orphans.length > 0) {
    // Nothing tells whose they are; refusing keeps them rather than guessing or deleting.
    throw new Error(`vehicles ${orphans.join(', ')} have no customer, job or appointment to tell their company: give them a customer_id, then migrate again`);
  }
  await knex.raw('alter table vehicles alter column company_id set not null');
  await knex.raw('create index vehicles_company on vehicles (company_id)');

  // One spelling of a VIN (db/vehicles.ts normalizeVin): upper case, no spaces.
  await knex.raw(`update vehicles set vin = upper(regexp_replace(vin, '\\s', '', 'g')) where vin <> upper(regexp_replace(vin, '\\s', '', 'g'))`);
  await mergeDuplicateVehicles(knex);

  await knex.raw(`create unique index vehicles_company_vin on vehicles (company_id, upper(vin)) where vin <> ''`);
  await knex.raw(`create unique index vehicles_company_plate on vehicles (company_id, plate_normalized) where vin = ''`);
}

/**
 * Every group of vehicles that the new keys say are one (same company and
 * VIN; same company and plate, no VIN) becomes its oldest row: every foreign
 * key to a duplicate (jobs, appointments, whatever else references vehicles)
 * is repointed to it, its blank make/model/owner taken from the duplicates
 * (oldest first), then the duplicates are deleted.
 */
async function mergeDuplicateVehicles(knex: Knex): Promise<void> {
  await knex.raw(`create temporary table vehicle_duplicates (id int primary key, keep_id int not null)`);
  await knex.raw(`
    insert into vehicle_duplicates (id, keep_id)
    select id, keep_id from (
      select id, min(id) over (partition by company_id, upper(vin)) as keep_id from vehicles where vin <> ''
      union all
      select id, min(id) over (partition by company_id, plate_normalized) as keep_id from vehicles where vin = ''
    ) groups
    where id <> keep_id`);

  const references = await foreignKeysTo(knex, 'vehicles');
  for (const { table, column } of references) {
    await knex.raw(`update ?? t set ?? = d.keep_id from vehicle_duplicates d where t.?? = d.id`, [table, column, column]);
  }
  for (const column of ['make', 'model']) {
    await knex.raw(
      `update vehicles k set ?? = (select v.?? from vehicle_duplicates d join vehicles v on v.id = d.id
                                  where d.keep_id = k.id and v.?? <> '' order by v.id limit 1)
        where k.?? = '' and exists (select 1 from vehicle_duplicates d join vehicles v on v.id = d.id where d.keep_id = k.id and v.?? <> '')`,
      [column, column, column, column, column],
    );
  }
  await knex.raw(`
    update vehicles k set customer_id = (select v.customer_id from vehicle_duplicates d join vehicles v on v.id = d.id
                                         where d.keep_id = k.id and v.customer_id is not null order by v.id limit 1)
     where k.customer_id is null`);
  await knex.raw(`delete from vehicles where id in (select id from vehicle_duplicates)`);
  await knex.raw(`drop table vehicle_duplicates`);
}

export async function down(knex: Knex): Promise<void> {
  // Merged duplicates stay merged: nothing tells them apart any more.
  await knex.raw('drop index vehicles_company_plate');
  await knex.raw('drop index vehicles_company_vin');
  await knex.raw('drop index vehicles_company');
  await knex.schema.alterTable('vehicles', (t) => t.dropColumn('company_id'));
  await knex.raw(`create index customers_phone on customers (company_id, regexp_replace(phone, '[^0-9]', '', 'g'))`);
  await knex.raw('drop index customers_phone_normalized');
  await knex.schema.alterTable('customers', (t) => t.dropColumn('phone_normalized'));
}
