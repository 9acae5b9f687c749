import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAppointmentFromLead, findAppointment, findLeadForAppointment } from '../db/appointments';
import { createJobFromBooking } from '../db/bookings';
import { matchOrCreateCustomer, mergeCustomers, phoneColumns } from '../db/customers';
import { createStaffJob, updateJobDetails } from '../db/jobs';
import { createDb, type Knex } from '../db/knex';
import { migrationSource } from '../db/migrations';
import { matchOrCreateVehicle } from '../db/vehicles';
import { createLocation, createStaff, insertLead, uniqueEmail } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';

describe('B2/M7/M8: one customer file and one vehicle master (PostgreSQL)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  async function world() {
    const { companyId, location } = await createLocation(platform.db);
    await createStaff(platform.db, companyId, 'service_advisor');
    const staff = await platform.db('staff_users').where({ company_id: companyId }).first('id');
    const input = { startsAt: new Date('2026-12-01T08:00:00Z'), endsAt: new Date('2026-12-01T09:00:00Z'), notes: '', staffId: staff.id as number };
    /** P2/P3: a held estimate booking, confirmed (the job is created as the booking workflow's activity does). */
    const booking = async (fields: Record<string, unknown>) => {
      const id = randomUUID();
      await platform.db('bookings').insert({
        id,
        location_id: location.id,
        slot_start: new Date('2026-12-02T09:00:00Z'),
        slot_end: new Date('2026-12-02T09:30:00Z'),
        status: 'held',
        language: 'nl',
        first_name: 'Marie',
        last_name: 'Janssens',
        email: 'marie@example.test',
        phone: '',
        gdpr_consent_at: new Date(),
        plate: '1-XYZ-999',
        ...fields,
      });
      return createJobFromBooking(platform.db, id);
    };
    const jobOf = (jobId: number) => platform.db('jobs').where({ id: jobId }).first();
    const lead = async (fields: Record<string, unknown> = {}) => {
      const id = await insertLead(platform.db, companyId, location.id, fields);
      return (await findLeadForAppointment(platform.db, companyId, id))!;
    };
    const count = async (table: string) => Number((await platform.db(table).where({ company_id: companyId }).count({ n: '*' }).first())!.n);
    return { companyId, location, input, booking, jobOf, lead, count };
  }

  it('the same person as estimate booking, lead appointment and staff job is one customer with one vehicle; blanks filled, nothing overwritten', async () => {
    const w = await world();
    const email = uniqueEmail('marie');
    // P2/P3: phone in international notation, no make.
    const booked = await w.booking({ email, phone: '+32 470 12 34 56', plate: '1-ABC-234', make: '', model: 'Clio', first_name: 'Marie' });
    const fromBooking = await w.jobOf(booked.jobId);

    // M2: a lead without customer number, phone in national notation; staff take the master customer the duplicate search offers.
    const lead = await w.lead({ email: '', phone: '0470123456', plate: '1-abc-234', make: 'Renault', first_name: 'Maria', street: 'Veldstraat 10', postal_code: '9000', city: 'Gent' });
    const appointment = await createAppointmentFromLead(platform.db, lead.id, { kind: 'lead_data', customerId: fromBooking.customer_id }, w.input);
    expect(appointment.vehicle).toBe('own');
    const planned = (await findAppointment(platform.db, w.companyId, appointment.id))!;
    expect(planned).toMatchObject({ customer_id: fromBooking.customer_id, vehicle_id: fromBooking.vehicle_id, walk_in: false });

    // D4: staff type the e-mail in capitals and the plate without dashes.
    const staffJob = await createStaffJob(platform.db, w.companyId, {
      location_id: w.location.id,
      customer: { first_name: 'M.', last_name: 'Janssens-Peeters', email: `  ${email.toUpperCase()} `, phone: '', language: 'fr' },
      vehicle: { plate: '1ABC234', vin: 'vf1rfb00x12345678', make: 'Dacia', model: '' },
      damage_flow_type_id: null,
      notes: '',
    });
    const fromStaff = await w.jobOf(staffJob.id);

    expect(fromStaff.customer_id).toBe(fromBooking.customer_id);
    expect(fromStaff.vehicle_id).toBe(fromBooking.vehicle_id);
    expect(await w.count('customers')).toBe(1);
    expect(await w.count('vehicles')).toBe(1);
    // What the first writer knew stays; each later one only filled blanks (address from the lead, VIN and make from the first that had them).
    expect(await platform.db('customers').where({ id: fromBooking.customer_id }).first()).toMatchObject({
      first_name: 'Marie',
      last_name: 'Janssens',
      email,
      phone: '+32 470 12 34 56',
      phone_normalized: '+32470123456',
      language: 'nl',
      street: 'Veldstraat 10',
      city: 'Gent',
    });
    expect(await platform.db('vehicles').where({ id: fromBooking.vehicle_id }).first()).toMatchObject({
      plate: '1-ABC-234',
      plate_normalized: '1ABC234',
      make: 'Renault',
      model: 'Clio',
      vin: 'VF1RFB00X12345678',
      customer_id: fromBooking.customer_id,
      company_id: w.companyId,
    });
  });

  it('customers: customer number, then e-mail, then phone in any notation; a phone shared by two e-mail addresses is two people; never across companies', async () => {
    const w = await world();
    const other = await createLocation(platform.db);
    const run = <T>(fn: (trx: Knex.Transaction) => Promise<T>) => platform.db.transaction(fn);
    const base = { first_name: 'Jan', last_name: 'Claes', email: '', phone: '' };
    const numbered = await platform.db('customers').insert({ company_id: w.companyId, first_name: 'Jan', last_name: 'Claes', customer_number: '10077' }).returning('id');
    expect(await run((trx) => matchOrCreateCustomer(trx, w.companyId, { ...base, customer_number: ' 10077 ', email: 'jan@example.test' }))).toEqual({
      id: numbered[0].id,
      matched: 'customer_number',
    });
    // The number's customer got the blank e-mail; now the e-mail finds them in any case.
    expect(await run((trx) => matchOrCreateCustomer(trx, w.companyId, { ...base, email: 'JAN@Example.test ' }))).toMatchObject({ id: numbered[0].id, matched: 'email' });

    const byPhone = await run((trx) => matchOrCreateCustomer(trx, w.companyId, { ...base, first_name: 'Els', phone: '+32 470 99 88 77' }));
    expect(byPhone.matched).toBe('created');
    expect(await run((trx) => matchOrCreateCustomer(trx, w.companyId, { ...base, phone: '0470/99.88.77' }))).toEqual({ id: byPhone.id, matched: 'phone' });
    // The phone customer had no e-mail: a request with one still meets them by phone (and fills it)...
    expect(await run((trx) => matchOrCreateCustomer(trx, w.companyId, { ...base, phone: '0032470998877', email: 'els@example.test' }))).toEqual({ id: byPhone.id, matched: 'phone' });
    // ...but another address on the same number is somebody else.
    expect((await run((trx) => matchOrCreateCustomer(trx, w.companyId, { ...base, phone: '0470 99 88 77', email: 'partner@example.test' }))).matched).toBe('created');
    // Another company's customer is never matched.
    expect((await run((trx) => matchOrCreateCustomer(trx, other.companyId, { ...base, email: 'els@example.test' }))).matched).toBe('created');
  });

  it('vehicles: the VIN beats the plate, another customer\'s vehicle is reported (other_owner) and not reassigned', async () => {
    const w = await world();
    const run = <T>(fn: (trx: Knex.Transaction) => Promise<T>) => platform.db.transaction(fn);
    const [owner] = await platform.db('customers').insert({ company_id: w.companyId, first_name: 'Owner', last_name: 'A' }).returning('id');
    const [someone] = await platform.db('customers').insert({ company_id: w.companyId, first_name: 'Someone', last_name: 'B' }).returning('id');
    const byVin = await run((trx) => matchOrCreateVehicle(trx, w.companyId, owner.id, { plate: '1-AAA-111', vin: 'WVWZZZ1JZXW000001' }));
    const byPlate = await run((trx) => matchOrCreateVehicle(trx, w.companyId, owner.id, { plate: '2-BBB-222' }));
    expect([byVin.outcome, byPlate.outcome]).toEqual(['created', 'created']);

    // Plate of one, VIN of the other: the VIN decides.
    expect(await run((trx) => matchOrCreateVehicle(trx, w.companyId, owner.id, { plate: '2BBB222', vin: 'wvwzzz1jzxw000001' }))).toMatchObject({ id: byVin.id, outcome: 'own' });
    // The same plate with an unknown VIN: the plate-only vehicle gets the VIN.
    expect(await run((trx) => matchOrCreateVehicle(trx, w.companyId, owner.id, { plate: '2 bbb 222', vin: 'WVWZZZ1JZXW000002' }))).toMatchObject({ id: byPlate.id, outcome: 'own' });
    expect(await platform.db('vehicles').where({ id: byPlate.id }).first()).toMatchObject({ vin: 'WVWZZZ1JZXW000002' });
    // A third VIN on that plate is another car.
    expect((await run((trx) => matchOrCreateVehicle(trx, w.companyId, owner.id, { plate: '2-BBB-222', vin: 'WVWZZZ1JZXW000003' }))).outcome).toBe('created');

    const theirs = await run((trx) => matchOrCreateVehicle(trx, w.companyId, someone.id, { plate: 'whatever', vin: 'WVWZZZ1JZXW000001' }));
    expect(theirs).toEqual({ id: byVin.id, outcome: 'other_owner', ownerId: owner.id });
    expect((await platform.db('vehicles').where({ id: byVin.id }).first()).customer_id).toBe(owner.id);

    // M8 on a lead: the other customer's VIN gives the appointment its warning.
    const lead = await w.lead({ vin: 'WVWZZZ1JZXW000001', plate: '9-XXX-999' });
    const created = await createAppointmentFromLead(platform.db, lead.id, { kind: 'master_data', customerId: someone.id }, w.input);
    expect(created.vehicle).toBe('other_owner');
    expect(await findAppointment(platform.db, w.companyId, created.id)).toMatchObject({ vehicle_id: byVin.id, vehicle_owner_warning: true });
  });

  it('editing a job: the customer is overwritten as staff typed (phone_normalized follows); a plate corrected to another vehicle\'s makes that vehicle the job\'s', async () => {
    const w = await world();
    const fields = (email: string, plate: string, phone = '') => ({
      customer: { first_name: 'Jo', last_name: 'Wit', email, phone, language: 'nl' },
      vehicle: { plate, vin: '', make: 'Opel', model: '' },
      damage_flow_type_id: null,
      notes: '',
    });
    const first = await createStaffJob(platform.db, w.companyId, { ...fields(uniqueEmail('a'), '1-AAA-001'), location_id: w.location.id });
    const second = await createStaffJob(platform.db, w.companyId, { ...fields(uniqueEmail('b'), '2-BBB-002'), location_id: w.location.id });
    const row = await platform.db('jobs').where({ id: second.id }).first();
    await updateJobDetails(platform.db, { id: second.id, company_id: w.companyId, customer_id: row.customer_id, vehicle_id: row.vehicle_id }, fields('jo@example.test', '1aaa001', '0470 55 44 33'));
    const edited = await platform.db('jobs').where({ id: second.id }).first();
    expect(edited.vehicle_id).toBe((await platform.db('jobs').where({ id: first.id }).first()).vehicle_id);
    expect(await platform.db('customers').where({ id: row.customer_id }).first()).toMatchObject({ email: 'jo@example.test', phone: '0470 55 44 33', phone_normalized: '+32470554433' });
    // A plate nobody else has is corrected in place.
    await updateJobDetails(platform.db, { id: first.id, company_id: w.companyId, customer_id: row.customer_id, vehicle_id: edited.vehicle_id }, fields('jo@example.test', '3-CCC-003'));
    expect(await platform.db('vehicles').where({ id: edited.vehicle_id }).first()).toMatchObject({ plate: '3-CCC-003', plate_normalized: '3CCC003' });
  });

  it('concurrent creates of one new customer and vehicle end as one row each', async () => {
    const w = await world();
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        platform.db.transaction(async (trx) => {
          const customer = await matchOrCreateCustomer(trx, w.companyId, {
            first_name: 'Race',
            last_name: 'Condition',
            email: i % 2 ? email.toUpperCase() : email,
            phone: i % 3 ? '+32 470 11 22 33' : '0470112233',
          });
          const vehicle = await matchOrCreateVehicle(trx, w.companyId, customer.id, { plate: i % 2 ? '1-rac-001' : '1RAC001' });
          return { customer: customer.id, vehicle: vehicle.id };
        }),
      ),
    );
    expect(new Set(results.map((r) => r.customer)).size).toBe(1);
    expect(new Set(results.map((r) => r.vehicle)).size).toBe(1);
    expect(await w.count('customers')).toBe(1);
    expect(await w.count('vehicles')).toBe(1);

    // The same through the writers themselves: two bookings of one new customer confirmed at once.
    const email2 = uniqueEmail('race2');
    await Promise.all([
      w.booking({ email: email2, phone: '0470 00 11 22', plate: '1-RAC-002' }),
      w.booking({ email: email2.toUpperCase(), phone: '+32470001122', plate: '1rac002' }),
    ]);
    expect(await w.count('customers')).toBe(2);
    expect(await w.count('vehicles')).toBe(2);
  });

  it('M7 merge: everything of the duplicate moves to the kept customer in one go, blanks filled, recorded on the timeline, duplicate deleted', async () => {
    const w = await world();
    const other = await createLocation(platform.db);
    const [kept] = await platform.db('customers')
      .insert({ company_id: w.companyId, customer_number: '10001', first_name: 'Marie', last_name: 'Janssens', email: 'marie@example.test', phone: '' })
      .returning('*');
    const [duplicate] = await platform.db('customers')
      .insert({ company_id: w.companyId, customer_number: '10002', first_name: 'Maria', last_name: 'Janssen', email: 'm.j@example.test', ...phoneColumns('0470 12 34 56'), street: 'Veldstraat 10', postal_code: '9000', city: 'Gent' })
      .returning('*');
    const run = <T>(fn: (trx: Knex.Transaction) => Promise<T>) => platform.db.transaction(fn);
    const keptVehicle = await run((trx) => matchOrCreateVehicle(trx, w.companyId, kept.id, { plate: '1-KEP-001' }));
    const dupVehicle = await run((trx) => matchOrCreateVehicle(trx, w.companyId, duplicate.id, { plate: '1-DUP-002', vin: 'WVWZZZ1JZXW000009' }));
    const job = async (customerId: number, vehicleId: number) =>
      (await createStaffJobRow(w.companyId, w.location.id, customerId, vehicleId)).id;
    const jobs = [await job(kept.id, keptVehicle.id), await job(duplicate.id, dupVehicle.id), await job(duplicate.id, keptVehicle.id)];
    const lead = await w.lead({ customer_number: '10002' });
    const appointment = await createAppointmentFromLead(platform.db, lead.id, { kind: 'existing', customerId: duplicate.id }, w.input);
    await platform.db('sent_messages').insert({ idempotency_key: `merge-${duplicate.id}`, kind: 'confirmation', recipient: duplicate.email, customer_id: duplicate.id, status: 'sent' });
    await platform.db('customer_events').insert({ customer_id: duplicate.id, appointment_id: appointment.id, kind: 'contact_changed', details: { field: 'phone', from: '', to: '0470 12 34 56' } });

    // Not across companies, not into itself.
    await expect(mergeCustomers(platform.db, other.companyId, kept.id, duplicate.id, w.input.staffId)).rejects.toMatchObject({ code: 'notFound' });
    await expect(mergeCustomers(platform.db, w.companyId, kept.id, kept.id, w.input.staffId)).rejects.toMatchObject({ code: 'sameCustomer' });

    const result = await mergeCustomers(platform.db, w.companyId, kept.id, duplicate.id, w.input.staffId);
    expect(result.moved).toMatchObject({ jobs: 2, vehicles: 1, appointments: 1, sent_messages: 1, customer_events: 1, leads: 1 });

    expect(await platform.db('customers').where({ id: duplicate.id }).first()).toBeUndefined();
    expect(await platform.db('customers').where({ id: kept.id }).first()).toMatchObject({
      customer_number: '10001',
      first_name: 'Marie',
      last_name: 'Janssens',
      email: 'marie@example.test',
      phone: '0470 12 34 56',
      phone_normalized: '+32470123456',
      street: 'Veldstraat 10',
      city: 'Gent',
    });
    expect(await platform.db('jobs').whereIn('id', jobs).pluck('customer_id')).toEqual([kept.id, kept.id, kept.id]);
    expect((await platform.db('vehicles').where({ id: dupVehicle.id }).first()).customer_id).toBe(kept.id);
    expect((await findAppointment(platform.db, w.companyId, appointment.id))!.customer_id).toBe(kept.id);
    expect((await platform.db('sent_messages').where({ idempotency_key: `merge-${duplicate.id}` }).first()).customer_id).toBe(kept.id);
    expect((await platform.db('leads').where({ id: lead.id }).first()).customer_number).toBe('10001');
    const events = await platform.db('customer_events').where({ customer_id: kept.id }).orderBy('id');
    expect(events.map((e) => e.kind)).toEqual(['contact_changed', 'merged']);
    expect(events[1].details).toMatchObject({ merged_id: duplicate.id, customer_number: '10002', name: 'Maria Janssen', staff_id: w.input.staffId });

    // Merging it again finds nothing to merge.
    await expect(mergeCustomers(platform.db, w.companyId, kept.id, duplicate.id, w.input.staffId)).rejects.toMatchObject({ code: 'notFound' });
  });

  /** A job row for a given customer and vehicle, as any writer leaves it. */
  async function createStaffJobRow(companyId: number, locationId: number, customerId: number, vehicleId: number) {
    const { rows: [{ next }] } = await platform.db.raw(`select nextval('job_number_seq') as next`);
    const [row] = await platform.db('jobs')
      .insert({ company_id: companyId, location_id: locationId, job_number: String(next), customer_id: customerId, vehicle_id: vehicleId, source: 'staff' })
      .returning('id');
    return row as { id: number };
  }
});

describe('B2: the migration to one vehicle master merges existing duplicates, nothing lost', () => {
  const master = '20261201000000_customer_vehicle_master';
  let db: Knex;
  beforeAll(async () => {
    const admin = inject('databaseAdminUrl');
    const name = `test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${name}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    db = createDb(url.toString(), 4);
  });
  afterAll(() => db?.destroy());

  /** The migrations up to (before, or including) this one, as a database of that time had them. */
  const upTo = (last: string, inclusive: boolean): Knex.MigrationSource<string> => ({
    getMigrations: async () => (await migrationSource.getMigrations([])).filter((n) => (inclusive ? n <= last : n < last)),
    getMigrationName: (n) => n,
    getMigration: (n) => migrationSource.getMigration(n),
  });

  it('gives vehicles their company, merges VIN and plate duplicates into the oldest, repoints jobs and appointments, normalises phones', async () => {
    await db.migrate.latest({ migrationSource: upTo(master, false) });

    const [{ id: companyId }] = await db('companies').insert({ name: 'Old data' }).returning('id');
    const [{ id: otherCompany }] = await db('companies').insert({ name: 'Other' }).returning('id');
    const [location] = await db('locations').insert({ company_id: companyId, slug: `old-${randomUUID().slice(0, 6)}`, name: 'Old' }).returning('*');
    const [otherLocation] = await db('locations').insert({ company_id: otherCompany, slug: `oth-${randomUUID().slice(0, 6)}`, name: 'Other' }).returning('*');
    const customer = async (company: number, fields: Record<string, unknown> = {}) =>
      (await db('customers').insert({ company_id: company, first_name: 'C', last_name: 'X', ...fields }).returning('id'))[0].id as number;
    const a = await customer(companyId, { phone: '0470/12.34.56' });
    const b = await customer(companyId, { phone: 'not a number' });
    const c = await customer(otherCompany, { phone: '+32 9 111 11 11' });
    const vehicle = async (fields: Record<string, unknown>) =>
      (await db('vehicles').insert({ plate: 'X', plate_normalized: 'X', ...fields }).returning('id'))[0].id as number;
    // The same VIN three times (two customers, one spelled in lower case with spaces), the same plate twice without VIN.
    const vin1 = await vehicle({ customer_id: a, plate: '1-AAA-001', plate_normalized: '1AAA001', vin: 'WVWZZZ1JZXW000001', make: '' });
    const vin2 = await vehicle({ customer_id: b, plate: '1-AAA-001', plate_normalized: '1AAA001', vin: 'wvwzzz1jzxw 000001', make: 'VW', model: 'Golf' });
    const vin3 = await vehicle({ customer_id: a, plate: '1-AAA-009', plate_normalized: '1AAA009', vin: 'WVWZZZ1JZXW000001', make: 'Volkswagen' });
    const plate1 = await vehicle({ customer_id: a, plate: '2-BBB-002', plate_normalized: '2BBB002', model: '' });
    const plate2 = await vehicle({ customer_id: a, plate: '2bbb002', plate_normalized: '2BBB002', model: 'Polo' });
    // The same plate at another company, and an ownerless vehicle known only from an appointment: not duplicates.
    const elsewhere = await vehicle({ customer_id: c, plate: '2-BBB-002', plate_normalized: '2BBB002' });
    const ownerless = await vehicle({ customer_id: null, plate: '3-CCC-003', plate_normalized: '3CCC003' });

    let jobNumber = 5000;
    const job = async (vehicleId: number, customerId: number, loc = location) =>
      (await db('jobs').insert({ company_id: loc.company_id, location_id: loc.id, job_number: String(jobNumber++), customer_id: customerId, vehicle_id: vehicleId, source: 'staff' }).returning('id'))[0].id as number;
    const jobs = [await job(vin2, b), await job(vin3, a), await job(plate2, a), await job(elsewhere, c, otherLocation)];
    const appointment = async (vehicleId: number) =>
      (await db('appointments').insert({ company_id: companyId, location_id: location.id, starts_at: new Date('2026-12-01T08:00:00Z'), ends_at: new Date('2026-12-01T09:00:00Z'), customer_id: a, vehicle_id: vehicleId }).returning('id'))[0].id as number;
    const appointments = [await appointment(vin3), await appointment(plate2), await appointment(ownerless)];

    await db.migrate.latest({ migrationSource: upTo(master, true) });

    const vehicles = await db('vehicles').orderBy('id');
    expect(vehicles.map((v) => v.id)).toEqual([vin1, plate1, elsewhere, ownerless]);
    expect(vehicles.find((v) => v.id === vin1)).toMatchObject({ company_id: companyId, customer_id: a, vin: 'WVWZZZ1JZXW000001', make: 'VW', model: 'Golf' });
    expect(vehicles.find((v) => v.id === plate1)).toMatchObject({ company_id: companyId, model: 'Polo' });
    expect(vehicles.find((v) => v.id === elsewhere)).toMatchObject({ company_id: otherCompany });
    expect(vehicles.find((v) => v.id === ownerless)).toMatchObject({ company_id: companyId, customer_id: null });

    // Every job and appointment is still there, on the kept vehicle, with its own customer.
    const jobRows = await db('jobs').whereIn('id', jobs).orderBy('id');
    expect(jobRows.map((j) => [j.vehicle_id, j.customer_id])).toEqual([[vin1, b], [vin1, a], [plate1, a], [elsewhere, c]]);
    const appointmentRows = await db('appointments').whereIn('id', appointments).orderBy('id');
    expect(appointmentRows.map((x) => x.vehicle_id)).toEqual([vin1, plate1, ownerless]);

    expect(await db('customers').whereIn('id', [a, b, c]).orderBy('id').pluck('phone_normalized')).toEqual(['+32470123456', '', '+3291111111']);

    // The keys hold from now on.
    await expect(db('vehicles').insert({ company_id: companyId, plate: 'Y', plate_normalized: 'Y', vin: 'wvwzzz1jzxw000001' })).rejects.toThrow(/vehicles_company_vin/);
    await expect(db('vehicles').insert({ company_id: companyId, plate: '2-BBB-002', plate_normalized: '2BBB002' })).rejects.toThrow(/vehicles_company_plate/);
    await expect(db('vehicles').insert({ plate: 'Z', plate_normalized: 'Z' })).rejects.toThrow(/company_id/);

    // And it goes down again (the merge stays).
    await db.migrate.down({ migrationSource: upTo(master, true) });
    expect(await db.schema.hasColumn('vehicles', 'company_id')).toBe(false);
    expect(await db.schema.hasColumn('customers', 'phone_normalized')).toBe(false);
    await db.migrate.latest({ migrationSource: upTo(master, true) });
    expect(await db.schema.hasColumn('vehicles', 'company_id')).toBe(true);
  });
});
