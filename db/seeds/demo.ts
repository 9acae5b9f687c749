import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { dmsFormats } from '../../lib/csv/dms';
import { fieldHeaders } from '../../lib/csv/headers';
import { csvBatches, inspectCsv } from '../../lib/csv/read';
import { mergeDmsCsvBatch } from '../dmsMerge';
import { addDmsSource } from '../dmsSources';
import { finishImportRun, writeImportBatch } from '../imports';
import { insertJobAppointment } from '../appointments';
import { normalizePlate } from '../../lib/plates';
import { phoneColumns } from '../customers';
import { upsertStaff, type Role } from '../staff';
import { markWorkflowStartsDue } from '../workflowStarts';

export const demoStaff: { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo.test', name: 'Ada Admin', role: 'admin' },
  { email: 'advisor@demo.test', name: 'Sam Advisor', role: 'service_advisor' },
  { email: 'desk@demo.test', name: 'Rita Reception', role: 'receptionist' },
  { email: 'mechanic@demo.test', name: 'Max Mechanic', role: 'mechanic' },
];
export const demoPassword = 'workshop-demo';

/**
 * Demo data for `./dev start`: one company, two portal locations with
 * estimate hours, one staff user per role. Safe to run at every start: it
 * only adds what is missing and never touches what staff changed.
 */
export async function seedDemo(db: Knex): Promise<DemoJob[]> {
  let company = await db('companies').where({ name: 'Demo Body Shop' }).first('id');
  if (!company) [company] = await db('companies').insert({ name: 'Demo Body Shop' }).returning('id');

  const locations = [
    { slug: 'ghent', name: 'Demo Body Shop Ghent', address: 'Kortrijksesteenweg 100, 9000 Gent', phone: '+32 9 123 45 67' },
    { slug: 'brussels', name: 'Demo Body Shop Brussels', address: 'Rue de la Loi 200, 1000 Bruxelles', phone: '+32 2 123 45 67' },
  ];
  for (const location of locations) {
    const existing = await db('locations').where({ slug: location.slug }).first('id');
    if (existing) continue;
    const [{ id }] = await db('locations')
      .insert({ ...location, company_id: company.id, email: `${location.slug}@demo.test`, slot_minutes: 30, slot_capacity: 2 })
      .returning('id');
    const hours = [1, 2, 3, 4, 5].flatMap((weekday) => [
      { location_id: id, weekday, opens_at: '08:00', closes_at: '12:00' },
      { location_id: id, weekday, opens_at: '13:00', closes_at: '17:00' },
    ]);
    await db('estimate_hours').insert([...hours, { location_id: id, weekday: 6, opens_at: '09:00', closes_at: '12:00' }]);
  }

  const passwordHash = await hash(demoPassword);
  for (const user of demoStaff) {
    await upsertStaff(db, { ...user, company_id: company.id, password_hash: passwordHash });
  }
  await seedDemoLeads(db, company.id);
  await seedDemoCheckin(db, company.id);
  await seedDemoJourney(db, company.id);
  const jobs = await seedDemoJobs(db, company.id);
  await seedDemoBoard(db, company.id);
  await seedDemoDms(db, company.id);
  // The seed starts no workflow: its leads, appointments and jobs are the worker's sweep's at once (db/workflowStarts.ts).
  await markWorkflowStartsDue(db);
  return jobs;
}

/**
 * The DMS datastore (P9): the sample customers and vehicles files imported
 * from "Garage Claes" through the real pipeline and merge, so the page has
 * its history (with undo) and a job's car icon finds 1-ABC-123. Only into a
 * company without DMS sources.
 */
async function seedDemoDms(db: Knex, companyId: number): Promise<void> {
  if (await db('dms_sources').where({ company_id: companyId }).first('id')) return;
  const sourceId = await addDmsSource(db, companyId, 'Garage Claes');
  const admin = await db('staff_users').where({ company_id: companyId, role: 'admin' }).orderBy('id').first('id');
  for (const [kind, format] of Object.entries(dmsFormats) as [keyof typeof dmsFormats, (typeof dmsFormats)[keyof typeof dmsFormats]][]) {
    const name = `claes-${kind}.csv`;
    const bytes = Buffer.from(format.sampleCsv(), 'utf8');
    const open = () => Readable.from([bytes]);
    const layout = await inspectCsv(open, format.fields, {});
    const [run] = await db('import_runs')
      .insert({
        company_id: companyId, kind: `dms_${kind}`, mode: 'supplement', dms_source_id: sourceId, staff_id: admin?.id ?? null,
        workflow_run: `demo/${name}`, trigger: 'manual', file_name: name, size: bytes.length, status: 'importing',
        options: JSON.stringify({}), total_rows: layout.records, layout: JSON.stringify(layout),
      })
      .returning('id');
    const context = { companyId, sourceId, runId: run.id, mode: 'supplement' as const, headers: fieldHeaders(layout.mapping) };
    let cursor = 1;
    for await (const batch of csvBatches(open, layout, format.fields, format.schema)) {
      const from = cursor;
      cursor = batch.lastLine;
      await writeImportBatch(db, run.id, from, batch, (trx) => mergeDmsCsvBatch(trx, kind, context, batch));
    }
    await finishImportRun(db, run.id, { status: 'done' });
  }
}

/**
 * Online check-in (C1-C8): optional services at Ghent, and one service
 * appointment two days ahead with its planned work. Two days is later than
 * the three-day mark, so the worker's check-in workflow mails the link at
 * once (read it in the mail catcher). Only into a company without them.
 */
async function seedDemoCheckin(db: Knex, companyId: number): Promise<void> {
  const ghent = await db('locations').where({ slug: 'ghent' }).first('id');
  if (!(await db('location_services').where({ location_id: ghent.id }).first('id'))) {
    await db('location_services').insert([
      { location_id: ghent.id, position: 1, name: 'Car wash', description: 'Outside wash and dry while you wait.', price_cents: 1500 },
      { location_id: ghent.id, position: 2, name: 'Interior cleaning', description: 'Vacuuming, windows and dashboard.', price_cents: 4500 },
      { location_id: ghent.id, position: 3, name: 'Wiper blades', description: 'A new pair, fitted.', price_cents: 3900, link: 'https://example.com/wipers' },
    ]);
  }
  if (await db('appointments').where({ company_id: companyId }).first('id')) return;
  const [customer] = await db('customers')
    .insert({ company_id: companyId, customer_number: '10001', first_name: 'Eva', last_name: 'Maes', email: 'eva@demo.test', ...phoneColumns('+32 478 11 22 33'), language: 'en' })
    .returning('id');
  const [vehicle] = await db('vehicles')
    .insert({ company_id: companyId, customer_id: customer.id, plate: '1-CHK-001', plate_normalized: normalizePlate('1-CHK-001'), vin: 'VF1RFB00X12345678', make: 'Renault', model: 'Mégane' })
    .returning('id');
  const [appointment] = await db('appointments')
    .insert({
      company_id: companyId,
      location_id: ghent.id,
      starts_at: db.raw(`date_trunc('day', now() at time zone 'Europe/Brussels') at time zone 'Europe/Brussels' + interval '2 days 9 hours'`),
      ends_at: db.raw(`date_trunc('day', now() at time zone 'Europe/Brussels') at time zone 'Europe/Brussels' + interval '2 days 11 hours'`),
      customer_id: customer.id,
      vehicle_id: vehicle.id,
      first_name: 'Eva',
      last_name: 'Maes',
      email: 'eva@demo.test',
      phone: '+32 478 11 22 33',
      language: 'en',
      services: ['Maintenance'],
    })
    .returning('id');
  await db('appointment_work_lines').insert([
    { appointment_id: appointment.id, position: 1, description: 'Annual maintenance', remarks: 'Oil, filters, inspection', price_cents: 24900 },
    { appointment_id: appointment.id, position: 2, description: 'Brake fluid', price_cents: 5500 },
  ]);
}

/**
 * One customer's whole journey (issue 11, B2), on Eva Maes (customer 10001)
 * and her Renault: an estimate she booked online twelve days ago (the
 * booking, its job and the estimate visit), the repair of that job booked
 * for six days ahead (its check-in link goes three days before), the service
 * request she sent that staff turned into the check-in appointment above,
 * and what she was told on the way. Open her customer page from any of them.
 * Only once: skipped when her portal job exists.
 */
async function seedDemoJourney(db: Knex, companyId: number): Promise<void> {
  const eva = await db('customers').where({ company_id: companyId, customer_number: '10001' }).first();
  if (!eva || (await db('jobs').where({ customer_id: eva.id, source: 'portal' }).first('id'))) return;
  const vehicle = await db('vehicles').where({ company_id: companyId, customer_id: eva.id }).first();
  const ghent = await db('locations').where({ slug: 'ghent' }).first();
  const service = await db('appointments').where({ company_id: companyId, customer_id: eva.id, kind: 'service' }).first();
  const advisor = await db('staff_users').where({ company_id: companyId, email: 'advisor@demo.test' }).first('id');
  const day = 86_400_000;
  const at = (days: number, hour: number) => {
    const date = new Date(Date.now() + days * day);
    date.setUTCHours(hour - 1, 0, 0, 0); // hour in Brussels (winter time)
    return date;
  };
  const contact = { first_name: eva.first_name, last_name: eva.last_name, email: eva.email, phone: eva.phone, language: eva.language };

  await db.transaction(async (trx) => {
    // P2/P3: the estimate she booked online, confirmed from the e-mail link.
    const bookingId = randomUUID();
    const slot = at(-10, 10);
    const {
      rows: [{ next }],
    } = await trx.raw(`select nextval('job_number_seq') as next`);
    const [job] = await trx('jobs')
      .insert({ company_id: companyId, location_id: ghent.id, job_number: String(next), customer_id: eva.id, vehicle_id: vehicle.id, source: 'portal', notes: 'Scratch on the rear door.', created_at: at(-12, 19) })
      .returning('id');
    await trx('bookings').insert({
      id: bookingId, kind: 'estimate', location_id: ghent.id, slot_start: slot, slot_end: new Date(slot.getTime() + 30 * 60_000), status: 'confirmed',
      ...contact, gdpr_consent_at: at(-12, 19), plate: vehicle.plate, make: vehicle.make, model: vehicle.model, job_id: job.id,
      created_at: at(-12, 19), confirmed_at: at(-12, 19),
    });
    const estimate = await insertJobAppointment(trx, job.id, { kind: 'estimate', startsAt: slot, endsAt: new Date(slot.getTime() + 30 * 60_000), bookingId, status: 'done' });
    await trx('appointments').where({ id: estimate }).update({ created_at: at(-12, 19) });
    // D4: the repair of that job, six days ahead; the worker starts its workflow and the check-in.
    await trx('jobs').where({ id: job.id }).update({ step: 'appointment' });
    const repair = await insertJobAppointment(trx, job.id, { kind: 'repair', startsAt: at(6, 8) });
    await trx('appointments').where({ id: repair }).update({ created_at: at(-3, 14) });

    // M1/M2: her service request, planned by the advisor as the check-in appointment.
    const [lead] = await trx('leads')
      .insert({
        company_id: companyId, location_id: ghent.id, status: 'planned', desired_date: trx.raw(`current_date + 2`), time_window: 'morning',
        services: ['Maintenance'], remarks: 'Annual service, please.', customer_number: '10001', ...contact, gdpr_consent_at: at(-5, 9),
        plate: vehicle.plate, vin: vehicle.vin, make: vehicle.make, model: vehicle.model, appointment_id: service?.id ?? null, created_at: at(-5, 9),
      })
      .returning('id');
    await trx('lead_events').insert([
      { lead_id: lead.id, from_status: null, to_status: 'new', at: at(-5, 9) },
      { lead_id: lead.id, from_status: 'new', to_status: 'planned', staff_id: advisor?.id ?? null, at: at(-4, 11) },
    ]);
    if (service) await trx('appointments').where({ id: service.id }).update({ lead_id: lead.id, created_by: advisor?.id ?? null, created_at: at(-4, 11) });

    // What she was told (the outbox, as the message workflows left it).
    const message = (key: string, kind: string, subject: string, sentAt: Date, link: Record<string, unknown>) => ({
      idempotency_key: `demo-journey:${key}`, channel: 'email', kind, recipient: eva.email, subject, body: subject, status: 'sent',
      customer_id: eva.id, created_at: sentAt, sent_at: sentAt, ...link,
    });
    await trx('sent_messages').insert([
      message('booking-link', 'booking_link', 'Confirm your estimate appointment – Demo Body Shop Ghent', at(-12, 19), { booking_id: bookingId }),
      message('estimate-confirmation', 'appointment_confirmation', 'Your estimate appointment is confirmed', at(-12, 19), { booking_id: bookingId, job_id: job.id }),
      message('lead-acknowledgement', 'lead_acknowledgement', 'We have received your appointment request – Demo Body Shop Ghent', at(-5, 9), { lead_id: lead.id }),
      message('repair-confirmation', 'appointment_confirmation', 'Your repair appointment is confirmed', at(-3, 14), { job_id: job.id }),
      ...(service ? [message('service-confirmation', 'appointment_confirmation', 'Your service appointment is confirmed', at(-4, 11), { appointment_id: service.id, lead_id: lead.id })] : []),
    ]);
  });
}

/**
 * Online service requests waiting in the lead manager (M1), and the demo
 * service advisor as the one who takes them (M5). Only into a company
 * without leads, so a restart neither repeats them nor undoes staff choices.
 */
async function seedDemoLeads(db: Knex, companyId: number): Promise<void> {
  if (await db('leads').where({ company_id: companyId }).first('id')) return;
  const ghent = await db('locations').where({ slug: 'ghent' }).first('id');
  const brussels = await db('locations').where({ slug: 'brussels' }).first('id');
  const leads = [
    { location_id: ghent.id, days: 2, time_window: 'morning', services: ['Maintenance', 'Oil change'], first_name: 'Marie', last_name: 'Janssens', email: 'marie@demo.test', phone: '+32 470 12 34 56', plate: '1-LEA-001', vin: 'WVWZZZ1KZAW000001', make: 'Volkswagen', model: 'Golf', mileage: 84_200, remarks: 'Warning light on since last week.' },
    { location_id: ghent.id, days: 4, time_window: 'afternoon', services: ['Tyre change'], first_name: 'Koen', last_name: 'Peeters', email: 'koen@demo.test', phone: '+32 475 98 76 54', plate: '2-LEA-002', vin: '', make: 'Renault', model: 'Clio', mileage: null, remarks: '' },
    { location_id: brussels.id, days: 3, time_window: 'any', services: ['Brakes', 'Inspection'], first_name: 'Sophie', last_name: 'Dubois', email: 'sophie@demo.test', phone: '+32 2 555 12 12', plate: '1-LEA-003', vin: '', make: 'Peugeot', model: '308', mileage: 120_500, remarks: 'Squeaking brakes.' },
  ];
  for (const { days, ...lead } of leads) {
    const [{ id }] = await db('leads')
      .insert({ ...lead, company_id: companyId, language: 'en', desired_date: db.raw(`current_date + ?::int`, [days]), gdpr_consent_at: db.fn.now() })
      .returning('id');
    await db('lead_events').insert({ lead_id: id, from_status: null, to_status: 'new' });
  }
  await db('staff_users').where({ company_id: companyId, email: 'advisor@demo.test' }).update({ takes_online_requests: true });
}

export interface DemoJob {
  plate: string;
  jobNumber: string;
}

/**
 * Two jobs to try the plate + job number pages with (P4-P6): one waiting
 * for its repair appointment, one whose vehicle is in. Their D4 workflows
 * start, seeded from these rows, at their first step.
 */
async function seedDemoJobs(db: Knex, companyId: number): Promise<DemoJob[]> {
  const location = await db('locations').where({ slug: 'ghent' }).first('id');
  const jobs = [
    { plate: '1-DEM-001', first_name: 'Lotte', last_name: 'Claes', make: 'Toyota', model: 'Yaris', state: {}, appointment: null },
    {
      plate: '1-DEM-002',
      first_name: 'Pieter',
      last_name: 'Maes',
      make: 'Škoda',
      model: 'Octavia',
      state: { step: 'vehicle_in', on_site: true, vehicle_in_at: db.raw(`now() - interval '1 day'`) },
      appointment: new Date(Date.now() - 86_400_000),
    },
  ];
  const seeded: DemoJob[] = [];
  for (const { plate, first_name, last_name, make, model, state, appointment } of jobs) {
    const plateNormalized = normalizePlate(plate);
    const existing = await db('jobs')
      .join('vehicles', 'vehicles.id', 'jobs.vehicle_id')
      .where({ 'jobs.company_id': companyId, 'vehicles.plate_normalized': plateNormalized })
      .first('jobs.job_number');
    if (existing) {
      seeded.push({ plate, jobNumber: existing.job_number });
      continue;
    }
    const email = `${first_name.toLowerCase()}@demo.test`;
    const [customer] = await db('customers').insert({ company_id: companyId, first_name, last_name, email, language: 'en' }).returning('id');
    const [vehicle] = await db('vehicles').insert({ company_id: companyId, customer_id: customer.id, plate, plate_normalized: plateNormalized, make, model }).returning('id');
    const {
      rows: [{ next }],
    } = await db.raw(`select nextval('job_number_seq') as next`);
    await db.transaction(async (trx) => {
      const [job] = await trx('jobs')
        .insert({ company_id: companyId, location_id: location.id, job_number: String(next), customer_id: customer.id, vehicle_id: vehicle.id, source: 'staff', ...state })
        .returning('id');
      if (appointment) await insertJobAppointment(trx, job.id, { kind: 'repair', startsAt: appointment, status: 'done' });
    });
    seeded.push({ plate, jobNumber: String(next) });
  }
  return seeded;
}

/**
 * The aftersales board (W3-W8) on the day of the first start: today's
 * appointments at Ghent (and one at Brussels) as the planner sent them, in
 * every column: two New (one without customer, which cannot get a job until
 * staff add one), one In service with a backchannel comment, one Waiting for
 * customer, one Ready, one Completed; a customer's unanswered WhatsApp (red
 * line, the waiting filter) and colour labels. Their jobs' D4 workflows
 * start with the worker. Only once: on later days they carry over as the
 * board does (all but Completed).
 */
async function seedDemoBoard(db: Knex, companyId: number): Promise<void> {
  if (await db('appointments').where({ company_id: companyId, external_source: 'plantit' }).first('id')) return;
  const ghent = await db('locations').where({ slug: 'ghent' }).first('id');
  const brussels = await db('locations').where({ slug: 'brussels' }).first('id');
  const today = (minutes: number) => db.raw(`date_trunc('day', now() at time zone 'Europe/Brussels') at time zone 'Europe/Brussels' + make_interval(mins => ?)`, [minutes]);
  const advisor = await db('staff_users').where({ company_id: companyId, email: 'advisor@demo.test' }).first('id');
  const cards = [
    { at: 8 * 60, location: ghent.id, name: ['Jan', 'Vermeulen'], phone: '+32 470 11 11 01', plate: '1-BRD-001', make: 'Volkswagen', model: 'Polo', work: 'Oil service, air-co check', color: 'blue', step: null, whatsapp: 'unanswered' },
    { at: 8 * 60 + 30, location: ghent.id, name: null, phone: '', plate: '2-BRD-002', make: 'Fiat', model: '500', work: 'Tyre change (winter tyres)', color: null, step: null },
    { at: 9 * 60, location: ghent.id, name: ['Lies', 'Wouters'], phone: '+32 470 11 11 03', plate: '1-BRD-003', make: 'Toyota', model: 'Corolla', work: 'Brake pads front', color: null, step: 'vehicle_in', comment: 'Customer waits in the lounge; coffee offered.' },
    { at: 9 * 60 + 30, location: ghent.id, name: ['Tom', 'De Smet'], phone: '+32 470 11 11 04', plate: '1-BRD-004', make: 'BMW', model: '318d', work: 'Timing belt; quote asked for the rear shock absorbers', color: 'orange', step: 'waiting_customer', whatsapp: 'answered' },
    { at: 10 * 60, location: ghent.id, name: ['An', 'Jacobs'], phone: '+32 470 11 11 05', plate: '1-BRD-005', make: 'Renault', model: 'Clio', work: 'Annual service', color: 'green', step: 'finished' },
    { at: 7 * 60 + 30, location: ghent.id, name: ['Bart', 'Mertens'], phone: '+32 470 11 11 06', plate: '1-BRD-006', make: 'Ford', model: 'Fiesta', work: 'Windscreen wipers', color: null, step: 'picked_up' },
    { at: 9 * 60, location: brussels.id, name: ['Julie', 'Lambert'], phone: '+32 470 11 11 07', plate: '1-BRD-007', make: 'Citroën', model: 'C3', work: 'Inspection before the MOT', color: null, step: null },
  ] as const;
  await db.transaction(async (trx) => {
    for (const [index, card] of cards.entries()) {
      const contact = card.name
        ? { first_name: card.name[0], last_name: card.name[1], email: `${card.name[0].toLowerCase()}.board@demo.test`, phone: card.phone, language: 'nl' }
        : { first_name: '', last_name: '', email: '', phone: '', language: 'nl' };
      const customer = card.name ? (await trx('customers').insert({ company_id: companyId, ...contact, ...phoneColumns(card.phone) }).returning('id'))[0] : undefined;
      const vehicle = customer
        ? (await trx('vehicles').insert({ company_id: companyId, customer_id: customer.id, plate: card.plate, plate_normalized: normalizePlate(card.plate), make: card.make, model: card.model }).returning('id'))[0]
        : undefined;
      let jobId: number | null = null;
      if (card.step && customer && vehicle) {
        const {
          rows: [{ next }],
        } = await trx.raw(`select nextval('job_number_seq') as next`);
        const started = card.step !== 'vehicle_in';
        const [job] = await trx('jobs')
          .insert({
            company_id: companyId, location_id: card.location, job_number: String(next), customer_id: customer.id, vehicle_id: vehicle.id, source: 'staff',
            step: card.step, on_site: card.step !== 'picked_up', vehicle_in_at: today(card.at + 5),
            first_activity_at: started ? today(card.at + 20) : null,
            finished_at: card.step === 'finished' || card.step === 'picked_up' ? today(card.at + 60) : null,
            picked_up_at: card.step === 'picked_up' ? today(card.at + 75) : null,
          })
          .returning('id');
        jobId = job.id;
      }
      const [appointment] = await trx('appointments')
        .insert({
          company_id: companyId, location_id: card.location, kind: 'service', status: card.step ? 'done' : 'planned',
          starts_at: today(card.at), ends_at: today(card.at + 60), customer_id: customer?.id ?? null, vehicle_id: vehicle?.id ?? null,
          walk_in_plate: vehicle ? '' : card.plate, walk_in_make: vehicle ? '' : card.make, walk_in_model: vehicle ? '' : card.model,
          ...contact, job_id: jobId, work_description: card.work, color: card.color, external_source: 'plantit', external_id: `DEMO-${index + 1}`,
        })
        .returning('id');
      if ('comment' in card) await trx('appointment_comments').insert({ appointment_id: appointment.id, staff_id: advisor?.id ?? null, body: card.comment });
      if ('whatsapp' in card && customer) {
        // W5: Jan's question is unanswered (red line, waiting); Tom was answered (asked about the shock absorbers), his 24-hour window still open.
        const answered = card.whatsapp === 'answered';
        const [conversation] = await trx('conversations')
          .insert({
            company_id: companyId, customer_id: customer.id, channel: 'whatsapp', address: phoneColumns(card.phone).phone_normalized,
            last_inbound_at: trx.raw(`now() - interval '40 minutes'`), last_outbound_at: answered ? trx.raw(`now() - interval '30 minutes'`) : trx.raw(`now() - interval '1 day'`),
            read_at: answered ? trx.raw(`now() - interval '35 minutes'`) : null, read_by: answered ? (advisor?.id ?? null) : null,
          })
          .returning('id');
        await trx('inbound_messages').insert({
          company_id: companyId, customer_id: customer.id, conversation_id: conversation.id, channel: 'whatsapp', sender: phoneColumns(card.phone).phone_normalized,
          body: answered ? 'Hoe lang duurt het nog ongeveer?' : 'Kan ik de auto om 16u ophalen?', provider_message_id: `demo-board-${index + 1}`,
          received_at: trx.raw(`now() - interval '40 minutes'`),
        });
      }
    }
  });
}
