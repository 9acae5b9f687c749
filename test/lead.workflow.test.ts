import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelAppointment, createAppointmentFromLead, findLeadForAppointment, LeadAlreadyDecidedError, type CustomerChoice } from '../db/appointments';
import { findLeadSummary } from '../db/leads';
import type { Location } from '../db/locations';
import { cancelByCustomer, createLeadAppointment, leadEvents, rejectLead, submitServiceRequest } from '../web/leads/service';
import type { ServiceRequest } from '../web/leads/portal/form';
import { checkinWorkflowId } from '../workflows/checkIn.contract';
import { leadStateQuery, leadWorkflowId } from '../workflows/lead.contract';
import { acceptLead } from '../clients/leadWorkflow';
import { createLocation, createStaff, uniqueEmail, uniquePlate } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { mailsTo, waitForMail } from './support/mail';
import { startPlatform, type Platform } from './support/platform';
import { json, startStandIn, type StandIn } from './support/standIn';
import { waitUntil } from './support/wait';

describe('D3 lead workflow (M1-M3) against real Temporal, PostgreSQL, SMTP and a stand-in SMS gateway', () => {
  let platform: Platform;
  let gateway: StandIn<{ from: string; to: string; text: string; reference: string }>;
  beforeAll(async () => {
    gateway = await startStandIn('/messages', (res, attempt) => json(201, { id: `sms-${attempt}` })(res, attempt));
    platform = await startPlatform({ SMS_PROVIDER: 'http', SMS_GATEWAY_URL: gateway.url, SMS_GATEWAY_TOKEN: 'test-token' });
  });
  afterAll(async () => {
    await platform?.close();
    await gateway?.close();
  });

  const deps = () => ({ db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE });

  const request = (overrides: Partial<ServiceRequest> = {}): ServiceRequest => ({
    desiredDate: DateTime.now().plus({ days: 2 }).toISODate()!,
    timeWindow: 'morning',
    services: ['Oil change'],
    remarks: 'Squeaking brakes',
    plate: uniquePlate(),
    vin: '',
    make: 'Volkswagen',
    model: 'Golf',
    mileage: 84_000,
    customerNumber: '',
    firstName: 'Lotte',
    lastName: 'Peeters',
    email: uniqueEmail('lead'),
    phone: '0470 12 34 56',
    street: 'Kouter 1',
    postalCode: '9000',
    city: 'Gent',
    consent: 'yes',
    ...overrides,
  });

  async function newLead(location: Location, overrides: Partial<ServiceRequest> = {}, language = 'nl') {
    const typed = request(overrides);
    const id = await submitServiceRequest(deps(), location, language, typed);
    return { id, typed, handle: platform.temporal.workflow.getHandle(leadWorkflowId(id)) };
  }

  const history = async (leadId: number) =>
    (await platform.db('lead_events').where({ lead_id: leadId }).orderBy('id').select('from_status', 'to_status', 'staff_id')).map(
      (e) => `${e.from_status ?? '-'}>${e.to_status}${e.staff_id ? ' by staff' : ''}`,
    );

  /** M2 "Create appointment": the appointment for an hour from `startsAt`, then the lead's accept. */
  async function plan(leadId: number, choice: CustomerChoice, startsAt: Date, staffId: number) {
    const created = await createAppointmentFromLead(platform.db, leadId, choice, {
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      notes: '',
      staffId,
    });
    await leadEvents(deps()).appointmentCreated(leadId, created.id, staffId);
    return created;
  }

  async function staffId(companyId: number) {
    const [row] = await platform
      .db('staff_users')
      .insert({ company_id: companyId, email: uniqueEmail('advisor'), name: 'Advisor', role: 'service_advisor', password_hash: 'x' })
      .returning('id');
    return row.id as number;
  }

  it('M1/M3: a request becomes a New lead, the acknowledgement carries a cancel link, and the link cancels it', async () => {
    const { location } = await createLocation(platform.db);
    const lead = await newLead(location);
    expect(await findLeadSummary(platform.db, lead.id)).toMatchObject({ status: 'new', plate: lead.typed.plate, services: ['Oil change'] });

    const mail = await waitForMail(lead.typed.email);
    expect(mail.text).toContain('Lotte Peeters');
    const link = mail.text.match(/https?:\/\/\S+\/l\/([\w-]+)\?lang=nl/);
    expect(link, mail.text).not.toBeNull();
    await waitUntil('acknowledged', async () => (await lead.handle.query(leadStateQuery)).acknowledged);

    const outcome = await cancelByCustomer(deps(), link![1]!);
    expect(outcome?.lead.status).toBe('cancelled_by_customer');
    expect(await lead.handle.result()).toBe('cancelled_by_customer');
    expect(await history(lead.id)).toEqual(['->new', 'new>cancelled_by_customer']);

    // Following the link again changes nothing; a made-up token finds nothing.
    expect((await cancelByCustomer(deps(), link![1]!))?.lead.status).toBe('cancelled_by_customer');
    expect(await cancelByCustomer(deps(), 'not-a-real-token')).toBeUndefined();
    expect(await mailsTo(lead.typed.email)).toHaveLength(1);
  });

  it('M2 accept, then M3: deleting the appointment sets the lead Cancelled', async () => {
    const { location, companyId } = await createLocation(platform.db);
    const advisor = await staffId(companyId);
    const lead = await newLead(location);
    const created = await plan(lead.id, { kind: 'new_customer' }, DateTime.now().plus({ days: 2 }).toJSDate(), advisor);
    expect((await findLeadSummary(platform.db, lead.id))?.status).toBe('planned');
    expect(await lead.handle.query(leadStateQuery)).toMatchObject({ status: 'planned', appointmentId: created.id });

    // Neither the customer nor a colleague can decide a planned lead again.
    await expect(rejectLead(deps(), (await findLeadSummary(platform.db, lead.id))!, {
      channel: 'email', recipient: lead.typed.email, subject: 'No', body: 'No', staffId: advisor,
    })).rejects.toBeInstanceOf(LeadAlreadyDecidedError);

    expect(await cancelAppointment(platform.db, companyId, created.id)).toEqual({ leadId: lead.id });
    await leadEvents(deps()).appointmentDeleted(lead.id, advisor);
    expect(await lead.handle.result()).toBe('cancelled');
    expect(await history(lead.id)).toEqual(['->new', 'new>planned by staff', 'planned>cancelled by staff']);
    // The refused rejection never went out.
    const rejection = await platform.db('sent_messages').where({ lead_id: lead.id, kind: 'lead_rejection' }).first('status');
    expect(rejection?.status).not.toBe('sent');
  });

  it('M2 "Create appointment" (createLeadAppointment): field errors for a choice that names no customer; the appointment, the accept and its check-in; taken back when the workflow decided first', async () => {
    const { location, companyId } = await createLocation(platform.db);
    const advisor = await staffId(companyId);
    const starts = DateTime.now().setZone(location.time_zone).plus({ days: 5 }).set({ hour: 10, minute: 0 }).toFormat("yyyy-MM-dd'T'HH:mm");
    const lead = await newLead(location);
    const forAppointment = async (id: number) => (await findLeadForAppointment(platform.db, companyId, id))!;
    const appointments = async () => Number((await platform.db('appointments').where({ company_id: companyId }).count<{ count: string }[]>('* as count'))[0]!.count);

    // The lead carries no customer number, and "lead data" needs a chosen candidate.
    expect(await createLeadAppointment(deps(), await forAppointment(lead.id), { choice: 'existing', starts, duration: 60, notes: '', staffId: advisor })).toEqual({
      status: 'invalid',
      errors: { choice: 'choice' },
    });
    expect(await createLeadAppointment(deps(), await forAppointment(lead.id), { choice: 'lead_data', starts, duration: 60, notes: '', staffId: advisor })).toEqual({
      status: 'invalid',
      errors: { customer: 'chooseCandidate' },
    });
    expect(await appointments()).toBe(0);

    const outcome = await createLeadAppointment(deps(), await forAppointment(lead.id), { choice: 'new_customer', starts, duration: 60, notes: 'Front left', staffId: advisor });
    if (outcome.status !== 'created') throw new Error(`not created: ${JSON.stringify(outcome)}`);
    const { id } = outcome.appointment;
    expect(await lead.handle.query(leadStateQuery)).toMatchObject({ status: 'planned', appointmentId: id });
    const row = await platform.db('appointments').where({ id }).first('starts_at', 'ends_at', 'notes');
    expect(DateTime.fromJSDate(row.starts_at).setZone(location.time_zone).toFormat("yyyy-MM-dd'T'HH:mm")).toBe(starts);
    expect(row.ends_at.getTime() - row.starts_at.getTime()).toBe(3_600_000);
    expect(row.notes).toContain('Front left');
    expect((await platform.temporal.workflow.getHandle(checkinWorkflowId(id)).describe()).status.name).toBe('RUNNING');

    // Another lead its workflow decided a moment ago, the row not yet saying so (read model behind):
    // the appointment is written, the workflow refuses the accept, and the appointment is taken back.
    const other = await newLead(location);
    expect(await acceptLead(deps(), other.id, { appointmentId: id, staffId: advisor })).toBe(true);
    await platform.db('leads').where({ id: other.id }).update({ status: 'new' });
    expect(await createLeadAppointment(deps(), await forAppointment(other.id), { choice: 'cash_sale', starts, duration: 30, notes: '', staffId: advisor })).toEqual({
      status: 'decided',
    });
    expect(await appointments()).toBe(1);
    expect(await platform.db('leads').where({ id: other.id }).first('appointment_id')).toEqual({ appointment_id: null });
  });

  it('an accepted lead whose appointment is over ends Planned', async () => {
    const { location, companyId } = await createLocation(platform.db);
    const advisor = await staffId(companyId);
    const lead = await newLead(location);
    await plan(lead.id, { kind: 'cash_sale' }, DateTime.now().minus({ days: 3 }).toJSDate(), advisor);
    expect(await lead.handle.result()).toBe('planned');
  });

  it('M2 reject by e-mail: the text staff edited reaches the mail catcher and the lead is Rejected', async () => {
    const { location, companyId } = await createLocation(platform.db);
    const advisor = await staffId(companyId);
    const lead = await newLead(location, {}, 'fr');
    await waitForMail(lead.typed.email); // the acknowledgement
    await rejectLead(deps(), (await findLeadSummary(platform.db, lead.id))!, {
      channel: 'email',
      recipient: lead.typed.email,
      subject: 'Votre demande de rendez-vous',
      body: 'Bonjour Lotte,\n\nNous sommes complets ce jour-là. Appelez-nous pour un autre jour.\n\nGarage Test',
      staffId: advisor,
    });
    expect(await lead.handle.result()).toBe('rejected');
    const mail = await waitForMail(lead.typed.email, 2);
    expect(mail.subject).toBe('Votre demande de rendez-vous');
    expect(mail.text).toContain('Nous sommes complets ce jour-là.');
    expect(await history(lead.id)).toEqual(['->new', 'new>rejected by staff']);
    // The customer's cancel link now only says the request is closed.
    const token = (await mailsTo(lead.typed.email))[0]!.text.match(/\/l\/([\w-]+)/)![1]!;
    expect((await cancelByCustomer(deps(), token))?.lead.status).toBe('rejected');
  });

  it('M2 reject by SMS reaches the SMS gateway in E.164, with its bearer token', async () => {
    const { location, companyId } = await createLocation(platform.db);
    await platform.db('companies').where({ id: companyId }).update({ sms_enabled: true });
    const advisor = await staffId(companyId);
    const lead = await newLead(location, { phone: '0470 98 76 54' });
    await rejectLead(deps(), (await findLeadSummary(platform.db, lead.id))!, {
      channel: 'sms',
      recipient: lead.typed.phone,
      subject: '',
      body: 'Sorry, we are fully booked that day. Please call us. Test Body Shop',
      staffId: advisor,
    });
    expect(await lead.handle.result()).toBe('rejected');
    const sms = await waitUntil('the SMS at the gateway', async () => gateway.received.find((r) => r.body.to === '+32470987654'));
    expect(sms.headers.authorization).toBe('Bearer test-token');
    expect(sms.body.text).toBe('Sorry, we are fully booked that day. Please call us. Test Body Shop');
    const row = await platform.db('sent_messages').where({ lead_id: lead.id, kind: 'lead_rejection' }).first();
    expect(row).toMatchObject({ channel: 'sms', status: 'sent' });
  });

  it('two decisions at once: exactly one wins, the other is refused and its message never sent', async () => {
    const { location, companyId } = await createLocation(platform.db);
    const advisor = await staffId(companyId);
    const lead = await newLead(location);
    const ack = await waitForMail(lead.typed.email);
    const token = ack.text.match(/\/l\/([\w-]+)/)![1]!;
    const summary = (await findLeadSummary(platform.db, lead.id))!;
    const [rejected, cancelled] = await Promise.allSettled([
      rejectLead(deps(), summary, { channel: 'email', recipient: lead.typed.email, subject: 'Rejected', body: 'Rejected.', staffId: advisor }),
      cancelByCustomer(deps(), token),
    ]);
    const final = await lead.handle.result();
    expect(['rejected', 'cancelled_by_customer']).toContain(final);
    expect((await findLeadSummary(platform.db, lead.id))?.status).toBe(final);
    expect(await history(lead.id)).toEqual(['->new', final === 'rejected' ? 'new>rejected by staff' : 'new>cancelled_by_customer']);
    if (final === 'rejected') {
      expect(rejected.status).toBe('fulfilled');
      expect((await waitForMail(lead.typed.email, 2)).subject).toBe('Rejected');
    } else {
      expect(cancelled.status).toBe('fulfilled');
      expect(rejected.status === 'rejected' && rejected.reason).toBeInstanceOf(LeadAlreadyDecidedError);
      const discarded = await platform.db('sent_messages').where({ lead_id: lead.id, kind: 'lead_rejection' }).first('status');
      expect(discarded?.status).not.toBe('sent');
      expect(await mailsTo(lead.typed.email)).toHaveLength(1);
    }
  });

  it('a New lead written without its workflow (demo seed, import) gets one from the workflow-start sweep, once', async () => {
    const { location, companyId } = await createLocation(platform.db);
    const email = uniqueEmail('seeded');
    const [{ id }] = await platform
      .db('leads')
      .insert({
        company_id: companyId, location_id: location.id, desired_date: '2026-12-01', time_window: 'any', first_name: 'Seeded',
        last_name: 'Lead', email, plate: uniquePlate(), gdpr_consent_at: new Date(),
      })
      .returning('id');
    const sweep = () => platform.activities.startOutstandingWorkflows({ graceMs: 0 });
    expect((await sweep()).started).toBeGreaterThanOrEqual(1);
    await platform.db('workflow_starts').insert({ kind: 'lead', key: id }); // the row once more: the running workflow is kept
    expect(await sweep()).toMatchObject({ started: 1, failed: 0 });
    const handle = platform.temporal.workflow.getHandle(leadWorkflowId(id));
    await waitUntil('acknowledged', async () => (await handle.query(leadStateQuery)).acknowledged);
    expect(await mailsTo(email)).toHaveLength(1);
    const runs = await platform.temporal.workflow.count(`WorkflowId = '${leadWorkflowId(id)}'`);
    expect(runs.count).toBe(1);
  });

  it('a plate staff correct on the lead page follows into the running workflow\'s Plate search attribute', async () => {
    const { companyId, location } = await createLocation(platform.db);
    const { id, typed, handle } = await newLead(location);
    const admin = await createStaff(platform.db, companyId, 'admin');
    const staff = httpClient(platform.baseUrl);
    await staff.login(admin.email, admin.password);
    await staff.formPage(`/staff/leads/${id}?lang=en`);
    const saved = await staff.post(`/staff/leads/${id}`, {
      first_name: typed.firstName, last_name: typed.lastName, email: typed.email, phone: typed.phone,
      street: typed.street, postal_code: typed.postalCode, city: typed.city, customer_number: '',
      plate: '1-fix-321', vin: '', make: typed.make, model: typed.model, mileage: String(typed.mileage), remarks: typed.remarks,
    });
    expect(saved.headers.get('location')).toBe(`/staff/leads/${id}?saved=1`);
    const found = await waitUntil('the lead found by its new plate', async () => {
      const listed: string[] = [];
      for await (const execution of platform.temporal.workflow.list({ query: `Plate = '1FIX321'` })) listed.push(execution.workflowId);
      return listed.length > 0 ? listed : undefined;
    });
    expect(found).toEqual([handle.workflowId]);
  });
});
