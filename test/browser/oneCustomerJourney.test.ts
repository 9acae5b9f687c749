import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { expectHeading, fillContact, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff, uniqueEmail } from '../support/fixtures';
import { confirmationLink, mailsTo, waitForMail } from '../support/mail';
import { waitUntil } from '../support/wait';

/**
 * Issue 11 (B2): one customer through the products this shop system
 * replaces — the estimate portal, the online service request and its lead,
 * the online check-in, and a job staff open — ends as ONE customer with ONE
 * vehicle, whatever notation of phone, plate and e-mail each step used, and
 * every step is on that customer's timeline.
 */
describe('browser: one customer through estimate, service request, check-in and a staff job is one customer file (B2)', () => {
  const t = usePlatformAndBrowser();

  it('estimate on the portal → service request → appointment from the lead → check-in → staff job: one customer, one vehicle, one timeline', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId, location } = await createLocation(db, { name: 'Garage Eén Klant', booking_horizon_days: 14 });
    const advisor = await createStaff(db, companyId, 'service_advisor');
    await db('staff_users').where({ email: advisor.email }).update({ takes_online_requests: true });
    const email = uniqueEmail('journey');

    // 1. Estimate on the portal (P2, P3), phone in international notation, plate with dashes.
    const customer = await (await t.browser.newContext()).newPage();
    await customer.goto(`${baseUrl}/p/${location.slug}?lang=en`);
    await customer.getByRole('link', { name: 'Book an estimate' }).click();
    await fillContact(customer, { firstName: 'Noor', lastName: 'Verhoeven', email, phone: '+32 470 55 66 77' });
    await customer.getByLabel('Registration plate').fill('1-JRN-001');
    await customer.getByLabel('Make').fill('Peugeot');
    await customer.getByLabel('Model').fill('208');
    await customer.getByRole('button', { name: 'Next' }).click();
    await expectHeading(customer, 'Choose a time for the estimate');
    await customer.locator('.slot label').first().click();
    await customer.getByRole('button', { name: 'Next' }).click();
    await customer.getByRole('button', { name: 'Confirm' }).click();
    await expectHeading(customer, 'Check your e-mail');
    await customer.goto(confirmationLink(await waitForMail(email)));
    await customer.getByRole('button', { name: 'Confirm' }).click();
    await expectHeading(customer, 'Your appointment is confirmed');
    const estimateJob = (await customer.getByTestId('job-number').innerText()).trim();

    // 2. A service request (M1): e-mail in capitals, national phone notation, plate without dashes.
    const inTwoDays = DateTime.now().setZone('Europe/Brussels').plus({ days: 2 }).toISODate()!;
    await customer.goto(`${baseUrl}/p/${location.slug}/service?lang=en`);
    await customer.getByLabel('Preferred day').fill(inTwoDays);
    await customer.getByLabel('Morning').check();
    await customer.getByLabel('Oil change').check();
    await customer.getByLabel('Registration plate').fill('1jrn001');
    await customer.getByLabel('Make').fill('Peugeot');
    await customer.getByLabel('Model').fill('208');
    await customer.getByLabel('First name').fill('Noor');
    await customer.getByLabel('Last name').fill('Verhoeven');
    await customer.getByLabel('E-mail').fill(email.toUpperCase());
    await customer.getByLabel('Phone').fill('0470/55.66.77');
    await customer.getByLabel(/I agree that my details are passed on/).check();
    await customer.getByRole('button', { name: 'Send request' }).click();
    await expectHeading(customer, 'Request received');

    // 3. Staff make the appointment from the lead (M2): the duplicate dialog finds the customer of step 1 (M7).
    const staff = await (await t.browser.newContext()).newPage();
    await staffLogin(staff, baseUrl, advisor.email, advisor.password);
    await expectHeading(staff, 'Aftersales board');
    await staff.goto(`${baseUrl}/staff/leads?lang=en`);
    await staff.locator('#lead-table').getByRole('link', { name: 'Noor Verhoeven' }).click();
    await staff.getByRole('link', { name: 'Create appointment' }).click();
    await expectHeading(staff, /Create appointment from request #\d+/);
    await staff.getByRole('button', { name: 'Take master data' }).click();
    await staff.getByText('Appointment created; the request is now planned.').waitFor();
    const appointmentId = Number(staff.url().match(/appointments\/(\d+)/)![1]);

    // 4. Check-in (C2-C4): two days ahead, so the link comes at once; she corrects her phone there.
    const checkinMail = await waitUntil('the check-in link', async () => (await mailsTo(email)).find((mail) => /\/c\/[\w-]+\?lang=en/.test(mail.text)));
    await customer.goto(checkinMail.text.match(/https?:\/\/\S+\/c\/[\w-]+\?lang=en/)![0]);
    await expectHeading(customer, 'Online check-in');
    await customer.getByLabel('Mobile phone').fill('+32 470 55 66 78');
    await customer.getByRole('button', { name: 'Next' }).click();
    await expectHeading(customer, 'Your appointment');

    // 5. Staff open a job for her (D4): e-mail in capitals again, the plate as on the registration.
    await staff.goto(`${baseUrl}/staff/jobs/new?lang=en`);
    await staff.getByLabel('First name').fill('Noor');
    await staff.getByLabel('Last name').fill('Verhoeven');
    await staff.getByLabel('E-mail').fill(email.toUpperCase());
    await staff.getByLabel('Registration plate').fill('1 JRN 001');
    await staff.getByRole('button', { name: 'Create job' }).click();
    await expectHeading(staff, /^Job \d+$/);
    const staffJob = /\/staff\/jobs\/(\d+)$/.exec(staff.url())![1]!;

    // One customer, one vehicle, everything pointing at them.
    const customers = await db('customers').where({ company_id: companyId }).select('id', 'phone', 'phone_normalized');
    expect(customers).toHaveLength(1);
    const [noor] = customers;
    const vehicles = await db('vehicles').where({ company_id: companyId }).select('id', 'customer_id');
    expect(vehicles).toEqual([{ id: vehicles[0]!.id, customer_id: noor!.id }]);
    const jobs = await db('jobs').where({ company_id: companyId }).orderBy('id').select('job_number', 'customer_id', 'vehicle_id');
    expect(jobs).toEqual([
      { job_number: estimateJob, customer_id: noor!.id, vehicle_id: vehicles[0]!.id },
      { job_number: staffJob, customer_id: noor!.id, vehicle_id: vehicles[0]!.id },
    ]);
    const visits = await db('appointments').where({ company_id: companyId }).orderBy('starts_at').select('id', 'kind', 'customer_id', 'vehicle_id');
    expect(visits.map((v) => [v.kind, v.customer_id, v.vehicle_id])).toEqual(
      expect.arrayContaining([
        ['estimate', noor!.id, vehicles[0]!.id],
        ['service', noor!.id, vehicles[0]!.id],
      ]),
    );
    expect(noor!.phone_normalized).toBe('+32470556678');

    // Her customer page (from the appointment page): every step on one timeline.
    await staff.goto(`${baseUrl}/staff/appointments/${appointmentId}?lang=en`);
    await staff.locator('dl.summary').getByRole('link', { name: 'Noor Verhoeven' }).click();
    await expectHeading(staff, 'Customer: Noor Verhoeven');
    const timeline = await staff.locator('.customer-timeline').innerText();
    for (const entry of [
      `Job ${estimateJob} created`,
      `Job ${staffJob} created`,
      'Estimate appointment made for',
      'Service appointment made for',
      'Estimate booking for',
      'Service request received',
      'Service request planned',
      'Changed contact details',
    ]) {
      expect(timeline, entry).toContain(entry);
    }
    // The messages out: the booking link, the request's acknowledgement, the estimate confirmation, the check-in link.
    expect((timeline.match(/Message to the customer/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });
});
