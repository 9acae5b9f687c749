import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { createLocationService } from '../../db/checkin';
import { startCheckinWorkflow } from '../../clients/checkinWorkflow';
import { damagePhoto, expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff, uniqueEmail, uniquePlate } from '../support/fixtures';
import { waitForMail } from '../support/mail';

const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/**
 * The whole check-in journey on the real stack: the D2 workflow sends the
 * link (booked two days ahead: at once), the customer follows it from the
 * e-mail on a phone, and staff handle what came in (C1-C8).
 */
describe('browser: check-in from the e-mail link to the handled appointment (C1-C8, D2)', () => {
  const t = usePlatformAndBrowser();

  it('link by e-mail → accepted service, "contact me" and a remark with a photo → pinned with the icon → converted and handled → unpinned, name highlighted', async () => {
    const { db, baseUrl, temporal, config } = t.platform;
    const { companyId, location } = await createLocation(db, { name: 'Garage De Reis' });
    const receptionist = await createStaff(db, companyId, 'receptionist');
    const email = uniqueEmail('journey');
    const plate = uniquePlate();
    const [customer] = await db('customers')
      .insert({ company_id: companyId, first_name: 'Bram', last_name: 'Wouters', email, phone: '0470 55 44 33', language: 'en' })
      .returning('id');
    const startsAt = DateTime.now().setZone('Europe/Brussels').plus({ days: 2 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
    const [appointment] = await db('appointments')
      .insert({
        company_id: companyId, location_id: location.id, starts_at: startsAt.toJSDate(), ends_at: startsAt.plus({ hours: 1 }).toJSDate(),
        customer_id: customer.id, first_name: 'Bram', last_name: 'Wouters', email, phone: '0470 55 44 33', language: 'en',
        walk_in_plate: plate, walk_in_make: 'Kia', walk_in_model: 'Ceed',
      })
      .returning('id');
    await db('appointment_work_lines').insert({ appointment_id: appointment.id, position: 1, description: 'Maintenance', price_cents: 21000 });
    await createLocationService(db, location.id, { name: 'Car wash', description: 'Outside wash', price_cents: 1500, link: '', converts_to_intervention: true, active: true, position: 1 });
    await createLocationService(db, location.id, { name: 'Interior cleaning', description: 'Vacuum and wipe', price_cents: 4000, link: '', converts_to_intervention: true, active: true, position: 2 });

    // C1: booked later than three days ahead, so the workflow sends the link at once.
    await startCheckinWorkflow({ temporal, taskQueue: config.TEMPORAL_TASK_QUEUE }, appointment.id);
    const mail = await waitForMail(email);
    const link = mail.text.match(/https?:\/\/\S+\/c\/[\w-]+\?lang=en/)?.[0];
    expect(link, mail.text).toBeDefined();

    // C2-C4 on a phone.
    const customerPage = await (await t.browser.newContext(phone)).newPage();
    await customerPage.goto(link!);
    await expectHeading(customerPage, 'Online check-in');
    await customerPage.getByRole('button', { name: 'Next' }).click();
    await expectHeading(customerPage, 'Your appointment');
    await customerPage.getByRole('link', { name: 'Next' }).click();
    await expectHeading(customerPage, 'Planned work');
    await customerPage.getByRole('link', { name: 'Next' }).click();
    await expectHeading(customerPage, 'Extra services');
    await customerPage.getByLabel('Yes, add it (Car wash)').check();
    await customerPage.getByLabel('Please contact me (Interior cleaning)').check();
    await customerPage.getByRole('button', { name: 'Next' }).click();
    await expectHeading(customerPage, 'Your remarks');
    await customerPage.getByLabel('Subject').fill('Dent in the bumper');
    await customerPage.getByLabel('Description').fill('Rear bumper, parking lot');
    await customerPage.getByLabel('Or choose photos or videos').setInputFiles([{ name: 'bumper.jpg', mimeType: 'image/jpeg', buffer: await damagePhoto('#2255aa') }]);
    await customerPage.getByRole('button', { name: 'Add this remark' }).click();
    await expectHeading(customerPage, '1 remark added');
    await customerPage.getByRole('button', { name: 'Next' }).click();
    await expectHeading(customerPage, 'Check and send');
    await customerPage.getByRole('button', { name: 'Send my check-in' }).click();
    await expectHeading(customerPage, 'Thank you!');

    // C5: staff see the appointment pinned, with the icon.
    const staff = await (await t.browser.newContext()).newPage();
    await staffLogin(staff, baseUrl, receptionist.email, receptionist.password);
    await expectHeading(staff, 'Aftersales board');
    await staff.goto(`${baseUrl}/staff/appointments?lang=en`);
    const pinned = staff.locator('#pinned-appointments');
    await pinned.getByRole('img', { name: '3 check-in items to handle' }).waitFor();
    expect(await pinned.innerText()).toContain(plate);
    await staff.goto(`${baseUrl}/staff/appointments/${appointment.id}?lang=en`);
    await expectHeading(staff, `Appointment #${appointment.id}`);
    const checkin = staff.locator('#checkin');
    expect(await checkin.innerText()).toContain('Dent in the bumper');

    // C7: convert the service, handle the remark through a cancelled "add intervention", call the customer back.
    await checkin.locator('.checkin-item', { hasText: 'Car wash' }).getByRole('button', { name: 'Convert to intervention' }).click();
    await staff.getByText('The service is now an intervention.').waitFor();
    expect(await staff.locator('#work-lines').innerText()).toContain('Car wash');
    await staff.locator('#checkin .checkin-item', { hasText: 'Dent in the bumper' }).getByRole('button', { name: 'Add intervention' }).click();
    await expectHeading(staff, 'Add intervention');
    expect(await staff.getByLabel('Description').inputValue()).toBe('Dent in the bumper');
    await staff.getByRole('link', { name: 'Cancel' }).click();
    await staff.getByText('The remark is handled; no intervention was added.').waitFor();
    await staff.locator('#checkin .checkin-item', { hasText: 'Interior cleaning' }).getByRole('button', { name: 'Mark as handled' }).click();
    await staff.getByText('Marked as handled.').waitFor();
    // The boosted swap settles classes of elements that keep their id a moment later (htmx), so poll.
    await expect.poll(() => staff.locator('.checkin-item.open').count()).toBe(0);

    // C8: no longer pinned; on its date with the name highlighted.
    await staff.goto(`${baseUrl}/staff/appointments?lang=en&from=${startsAt.toISODate()}&to=${startsAt.toISODate()}`);
    await expectHeading(staff, 'Appointments');
    expect(await staff.locator('#pinned-appointments').count()).toBe(0);
    const row = staff.locator('#appointments tr', { hasText: plate });
    expect(await row.locator('.checked-in').innerText()).toContain('Bram Wouters');
  });
});
