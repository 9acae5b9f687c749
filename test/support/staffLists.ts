import type { Knex } from 'knex';
import type { Location } from '../../db/locations';

/**
 * `count` jobs of one location, newest first by creation: job i was created
 * i minutes ago, except that jobs 10 and 11 share one instant (the pager must
 * neither skip nor repeat rows of the same time). Customers are called
 * "<name> Client<i>", plates "<first two letters of name>-<i>" ("PA-7").
 */
export async function insertJobs(db: Knex, location: Location, count: number, name: string): Promise<void> {
  await db.raw(
    `with c as (
       insert into customers (company_id, first_name, last_name, email)
       select ?, ?, 'Client' || i, 'pager' || i || '-' || ? || '@example.test' from generate_series(1, ?) as i returning id, last_name
     ), v as (
       insert into vehicles (company_id, customer_id, plate, plate_normalized, make, model)
       select ?, c.id, upper(substr(?, 1, 2)) || '-' || substr(c.last_name, 7), upper(substr(?, 1, 2)) || substr(c.last_name, 7), 'Skoda', 'Octavia' from c returning id, customer_id
     )
     insert into jobs (company_id, location_id, job_number, customer_id, vehicle_id, source, created_at)
     select ?, ?, nextval('job_number_seq')::text, v.customer_id, v.id, 'staff',
            date_trunc('minute', now()) - (case when substr(c.last_name, 7)::int = 11 then 10 else substr(c.last_name, 7)::int end || ' minutes')::interval
       from v join c on c.id = v.customer_id`,
    [location.company_id, name, name, count, location.company_id, name, name, location.company_id, location.id],
  );
}

/** `count` New leads of one location, lead i created i minutes ago (leads 10 and 11 at one instant), called "<name> Lead<i>". */
export async function insertLeads(db: Knex, location: Location, count: number, name: string, status = 'new'): Promise<void> {
  await db.raw(
    `insert into leads (company_id, location_id, status, desired_date, time_window, services, first_name, last_name, email, phone, gdpr_consent_at, plate, created_at)
     select ?, ?, ?, current_date + 3, 'morning', array['Oil change'], ?, 'Lead' || i, 'lead' || i || '-' || ? || '@example.test', '+32 470 00 00 00', now(),
            '1-PAG-' || lpad(i::text, 3, '0'), date_trunc('minute', now()) - ((case when i = 11 then 10 else i end) || ' minutes')::interval
       from generate_series(1, ?) as i`,
    [location.company_id, location.id, status, name, name, count],
  );
}
