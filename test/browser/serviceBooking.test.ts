import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { findLeadSummary } from '../../db/leads';
import type { Location } from '../../db/locations';
import { submitServiceRequest } from '../../web/leads/service';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff, uniqueEmail, uniquePlate } from '../support/fixtures';
import { mailsTo, waitForMail } from '../support/mail';
import { waitUntil } from '../support/wait';

interface Requester {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  plate: string;
  vin: string;
}

/** The customer's side of M1: the portal button, one form, the thank-you page. */
async function requestService(page: Page, baseUrl: string, location: Location, who: Requester, day: string) {
  await page.goto(`${baseUrl}/p/${location.slug}?lang=en`);
  await page.getByRole('link', { name: 'Book a service appointment' }).click();
  await expectHeading(page, 'Book a service appointment');
  await page.getByLabel('Preferred day').fill(day);
  await page.getByLabel('Afternoon').check();
  await page.getByLabel('Oil change').check();
  await page.getByLabel('Tyre change').check();
  await page.getByLabel('Anything else we should know?').fill('The left front tyre loses air.');
  await page.getByLabel('Registration plate').fill(who.plate);
  await page.getByLabel('VIN (chassis number)').fill(who.vin);
  await page.getByLabel('Make').fill('Škoda');
  await page.getByLabel('Model').fill('Octavia');
  await page.getByLabel('Mileage (km)').fill('123.456');
  await page.getByLabel('First name').fill(who.firstName);
  await page.getByLabel('Last name').fill(who.lastName);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Phone').fill(who.phone);
  await page.getByLabel(/I agree that my details are passed on/).check();
  await page.getByRole('button', { name: 'Send request' }).click();
  await expectHeading(page, 'Request received');
  expect(await page.locator('main').innerText()).toContain(who.email);
}

const requester = (overrides: Partial<Requester> = {}): Requester => ({
  firstName: 'Sofie',
  lastName: 'Claes',
  email: uniqueEmail('sofie'),
  phone: '+32 470 11 22 33',
  plate: uniquePlate(),
  vin: '',
  ...overrides,
});

describe('browser: online service booking and the lead manager (M1-M3, M7-M9)', () => {
  const t = usePlatformAndBrowser();
  const inTwoDays = () => DateTime.now().setZone('Europe/Brussels').plus({ days: 2 }).toISODate()!;

  it('request → lead appears in the manager without reload → appointment through the duplicate dialog → confirmation e-mail', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId, location } = await createLocation(db, { name: 'Garage Leadstraat', booking_horizon_days: 14 });
    await db('locations').where({ id: location.id }).update({ lead_refresh_seconds: 10 });
    const advisor = await createStaff(db, companyId, 'service_advisor');
    await db('staff_users').where({ email: advisor.email }).update({ takes_online_requests: true });

    // The master already knows this customer (other phone, same e-mail), and the VIN belongs to somebody else (M8).
    const who = requester({ vin: 'WVWZZZ1KZ8W123456' });
    const [master] = await db('customers')
      .insert({ company_id: companyId, customer_number: '20001', first_name: 'Sofie', last_name: 'Claes', email: who.email, phone: '09 123 45 67', language: 'en' })
      .returning('id');
    const [otherOwner] = await db('customers').insert({ company_id: companyId, first_name: 'Jan', last_name: 'Andere' }).returning('id');
    await db('vehicles').insert({ company_id: companyId, customer_id: otherOwner.id, plate: '1-OTH-001', plate_normalized: '1OTH001', vin: who.vin, make: 'Škoda', model: 'Octavia' });

    const staff = await (await t.browser.newContext()).newPage();
    await staffLogin(staff, baseUrl, advisor.email, advisor.password);
    await expectHeading(staff, 'Aftersales board');
    await staff.goto(`${baseUrl}/staff/leads?lang=en`);
    const table = staff.locator('#lead-table');
    await table.waitFor();
    expect(await table.innerText()).not.toContain(who.plate);

    const customer = await (await t.browser.newContext()).newPage();
    // A form sent with holes is answered field by field, nothing typed lost.
    await customer.goto(`${baseUrl}/p/${location.slug}/service?lang=en`);
    await customer.getByLabel('Registration plate').fill(who.plate);
    await customer.getByRole('button', { name: 'Send request' }).click();
    await customer.getByText('Please correct the fields marked below.').waitFor();
    expect(await customer.getByLabel('Registration plate').inputValue()).toBe(who.plate);
    expect(await customer.locator('#firstName-error').innerText()).toBe('Please fill in this field.');
    await requestService(customer, baseUrl, location, who, inTwoDays());

    const acknowledgement = await waitForMail(who.email);
    expect(acknowledgement.subject).toBe('We have received your appointment request – Garage Leadstraat');
    expect(acknowledgement.text).toMatch(/\/l\/[\w-]+\?lang=en/);

    // The manager refreshes by itself (every 10 s here): no reload.
    await table.getByText(who.plate).waitFor({ timeout: 30_000 });
    await staff.locator('#lead-table').getByRole('link', { name: 'Sofie Claes' }).click();
    await expectHeading(staff, /Lead #\d+/);
    await staff.getByRole('link', { name: 'Create appointment' }).click();
    await expectHeading(staff, /Create appointment from request #\d+/);

    // M7: the master customer stands beside the request; take the master's data.
    const compare = staff.locator('table.compare');
    expect(await compare.innerText()).toContain('Customer 20001');
    expect(await compare.innerText()).toContain('09 123 45 67');
    expect(await compare.innerText()).toContain('+32 470 11 22 33');
    await staff.getByRole('button', { name: 'Take master data' }).click();
    await expectHeading(staff, /Appointment #\d+/);
    await staff.getByText('Appointment created; the request is now planned.').waitFor();
    // M8: someone else's vehicle is used, with a warning.
    await staff.getByText('Warning: this vehicle belongs to another customer in the vehicle master.').waitFor();
    const appointmentId = Number(staff.url().match(/appointments\/(\d+)/)![1]);
    expect(await db('appointments').where({ id: appointmentId }).first()).toMatchObject({
      customer_id: master.id,
      phone: '09 123 45 67',
      vehicle_owner_warning: true,
      services: ['Oil change', 'Tyre change'],
    });

    // M9: the confirmation by e-mail, from the appointment.
    await staff.getByRole('button', { name: 'Send confirmation by e-mail' }).click();
    await staff.getByText('Confirmation e-mail is on its way.').waitFor();
    // The appointment (two days ahead) also started its check-in workflow, which mails the check-in link at once (D2):
    // the mails are told apart by subject, not by order.
    const confirmations = (count: number) =>
      waitUntil(`${count} confirmation(s)`, async () => {
        const found = (await mailsTo(who.email)).filter((mail) => /^Your appointment at Garage Leadstraat on .+ is confirmed$/.test(mail.subject));
        return found.length >= count ? found : undefined;
      });
    const [confirmation] = await confirmations(1);
    expect(confirmation!.text).toContain('Sofie Claes');
    await waitUntil('the confirmation marked sent', async () =>
      (await db('sent_messages').where({ appointment_id: appointmentId, kind: 'appointment_confirmation', status: 'sent' }).first('id')) ?? false,
    );
    await staff.reload();
    const log = await staff.locator('table.messages').innerText();
    expect(log).toContain('Appointment confirmation');
    expect(log).toContain('sent');

    // M9 from the overview too: the same confirmation, a second time.
    await staff.goto(`${baseUrl}/staff/appointments?lang=en&from=${inTwoDays()}&to=${inTwoDays()}`);
    await staff.getByRole('button', { name: 'Send confirmation by e-mail to Sofie Claes' }).click();
    await staff.getByText('Confirmation e-mail is on its way.').waitFor();
    expect(staff.url()).toContain('/staff/appointments?');
    await confirmations(2);
    await waitUntil('the check-in link', async () => (await mailsTo(who.email)).find((mail) => /\/c\/[\w-]+/.test(mail.text)));

    // The lead is Planned, with its history.
    const leadId = (await db('appointments').where({ id: appointmentId }).first('lead_id')).lead_id;
    expect((await findLeadSummary(db, leadId))?.status).toBe('planned');
  });

  it('M3: the customer cancels through the acknowledgement link; M2: staff reject another request with their own words', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId, location } = await createLocation(db, { name: 'Garage Storno', booking_horizon_days: 14 });
    const advisor = await createStaff(db, companyId, 'service_advisor');

    // The customer cancels.
    const who = requester();
    const customer = await (await t.browser.newContext()).newPage();
    await requestService(customer, baseUrl, location, who, inTwoDays());
    const link = (await waitForMail(who.email)).text.match(/https?:\/\/\S+\/l\/[\w-]+\?lang=en/)![0];
    await customer.goto(link);
    await expectHeading(customer, 'Your service request');
    await customer.getByRole('button', { name: 'Cancel my request' }).click();
    await customer.getByText('Your request has been cancelled.').waitFor();
    const cancelled = await db('leads').where({ email: who.email }).first('id', 'status');
    expect(cancelled.status).toBe('cancelled_by_customer');

    // Staff reject a second request, editing the pre-filled e-mail.
    const other = requester({ firstName: 'Pieter', lastName: 'Wouters', email: uniqueEmail('pieter') });
    const leadId = await submitServiceRequest(
      { db, temporal: t.platform.temporal, taskQueue: t.platform.config.TEMPORAL_TASK_QUEUE },
      location,
      'en',
      {
        desiredDate: inTwoDays(), timeWindow: 'morning', services: [], remarks: '', plate: other.plate, vin: '', make: 'Ford',
        model: 'Focus', mileage: null, customerNumber: '', firstName: other.firstName, lastName: other.lastName,
        email: other.email, phone: other.phone, street: '', postalCode: '', city: '', consent: 'yes',
      },
    );
    await waitForMail(other.email); // the acknowledgement
    const staff = await (await t.browser.newContext()).newPage();
    await staffLogin(staff, baseUrl, advisor.email, advisor.password);
    await expectHeading(staff, 'Aftersales board');
    await staff.goto(`${baseUrl}/staff/leads/${leadId}?lang=en`);
    await staff.getByRole('link', { name: 'Reject' }).click();
    await expectHeading(staff, 'Reject request');
    // SMS is not enabled for this company: e-mail only, pre-filled in the customer's language.
    expect(await staff.getByRole('link', { name: 'By SMS' }).count()).toBe(0);
    const body = staff.getByLabel('Message');
    expect(await body.inputValue()).toContain('Pieter Wouters');
    await body.fill('Dear Pieter,\n\nWe are closed for stocktaking that week. Please choose another week.\n\nGarage Storno');
    await staff.getByRole('button', { name: 'Reject and send e-mail' }).click();
    await expectHeading(staff, `Lead #${leadId}`);
    await staff.getByText('Request rejected; the message to the customer is on its way.').waitFor();
    const rejection = await waitForMail(other.email, 2);
    expect(rejection.text).toContain('We are closed for stocktaking that week.');
    expect((await findLeadSummary(db, leadId))?.status).toBe('rejected');
    expect(await mailsTo(other.email)).toHaveLength(2);
  });
});
