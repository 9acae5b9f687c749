import { DateTime } from 'luxon';
import ical from 'node-ical';
import { describe, expect, it } from 'vitest';
import { formatLocalDateTimeShort } from '../../lib/time';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff } from '../support/fixtures';
import { httpClient } from '../support/httpClient';
import { mailsTo } from '../support/mail';
import { visitWithLink } from '../support/visit';
import { waitUntil } from '../support/wait';

const zone = 'Europe/Brussels';
const inDays = (days: number, hour = 10) => DateTime.now().setZone(zone).plus({ days }).set({ hour, minute: 0, second: 0, millisecond: 0 });

describe('browser: the customer moves and cancels their service appointment from the confirmation\'s link (B1)', () => {
  const t = usePlatformAndBrowser();

  it('M9 confirmation mail → link → .ics → move to another day → cancel; staff\'s overview shows the move, then the freed place', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId, location } = await createLocation(db, {
      name: 'Garage Zelfservice',
      repair_weekdays: [1, 2, 3, 4, 5, 6, 7],
      booking_horizon_days: 7,
      service_daily_capacity: 1,
    });
    const receptionist = await createStaff(db, companyId, 'receptionist');
    const first = inDays(3);
    const target = inDays(4);
    const v = await visitWithLink(db, location, first.toJSDate(), { lastName: 'Zelfservice' });
    // Another customer's appointment two days later, to see the place freed by the cancel.
    const other = await visitWithLink(db, location, inDays(6).toJSDate(), { lastName: 'Ander' });
    const otherOffers = async () => (await httpClient(baseUrl).page(`/v/${other.token}/move`)).html.includes(`value="${target.toJSDate().toISOString()}"`);
    expect(await otherOffers()).toBe(true);

    // Staff send the confirmation (M9) from the appointment page.
    const staff = await (await t.browser.newContext()).newPage();
    await staffLogin(staff, baseUrl, receptionist.email, receptionist.password);
    await expectHeading(staff, 'Aftersales board');
    await staff.goto(`${baseUrl}/staff/appointments/${v.appointment.id}?lang=en`);
    await staff.getByRole('button', { name: 'Send confirmation by e-mail' }).click();
    await staff.getByText('Confirmation e-mail is on its way.').waitFor();

    // The customer opens the link from the mail.
    const mail = await waitUntil('the confirmation mail', async () => (await mailsTo(v.email)).find((m) => /is confirmed$/.test(m.subject)));
    const link = mail.text.match(/https?:\/\/\S+\/v\/[\w-]+/)![0];
    const context = await t.browser.newContext();
    const customer = await context.newPage();
    await customer.goto(`${link}?lang=en`);
    await expectHeading(customer, 'Your appointment');
    const when = (at: DateTime) => `${at.setLocale('en').toLocaleString(DateTime.DATE_HUGE)} at ${at.setLocale('en').toLocaleString(DateTime.TIME_SIMPLE)}`;
    expect(await customer.locator('main').innerText()).toContain(when(first));

    // The .ics: the visit at 10:00 Brussels time.
    // Fetched from the page's own link (a remote browser keeps downloads on its side).
    const href = await customer.getByRole('link', { name: 'Add to my calendar (.ics)' }).getAttribute('href');
    const file = await context.request.get(new URL(href!, customer.url()).toString());
    expect(file.headers()['content-type']).toMatch(/^text\/calendar/);
    const ics = await file.text();
    const event = Object.values(ical.sync.parseICS(ics)).find((c) => c?.type === 'VEVENT') as ical.VEvent;
    expect(event.start.toISOString()).toBe(first.toJSDate().toISOString());
    expect(event.uid).toBe(`appointment-${v.appointment.id}@127.0.0.1`);

    // Move: a free day at the same time of day, then confirm.
    await customer.getByRole('link', { name: 'Move the appointment' }).click();
    await expectHeading(customer, 'Choose another time');
    await customer
      .getByRole('group', { name: target.setLocale('en').toLocaleString(DateTime.DATE_HUGE) })
      .getByLabel(target.setLocale('en').toLocaleString(DateTime.TIME_SIMPLE))
      .check();
    await customer.getByRole('button', { name: 'Next' }).click();
    await expectHeading(customer, 'Move your appointment?');
    await customer.getByRole('button', { name: 'Yes, move it' }).click();
    await customer.getByText('Your appointment has been moved.').waitFor();
    expect(await customer.locator('main').innerText()).toContain(when(target));

    // Staff see the new time at once; the day the customer took is full for the other customer.
    await staff.goto(`${baseUrl}/staff/appointments?lang=en`);
    const overview = staff.locator('#appointments');
    await overview.getByRole('link', { name: formatLocalDateTimeShort(target.toJSDate(), zone, 'en') }).waitFor();
    expect(await overview.innerText()).not.toContain(formatLocalDateTimeShort(first.toJSDate(), zone, 'en'));
    expect(await otherOffers()).toBe(false);

    // Cancel, with a confirmation step.
    await customer.getByRole('link', { name: 'Cancel the appointment' }).click();
    await expectHeading(customer, 'Cancel your appointment?');
    await customer.getByRole('button', { name: 'Yes, cancel it' }).click();
    await customer.getByText('Your appointment has been cancelled.').waitFor();
    await customer.getByText('This appointment is cancelled.').waitFor();
    expect(await customer.getByRole('link', { name: 'Move the appointment' }).count()).toBe(0);

    // The overview no longer lists it, the place is free again, and the customer's log has both changes.
    await staff.reload();
    expect(await staff.locator('main').innerText()).not.toContain(v.plate);
    expect(await staff.locator('main').innerText()).toContain(other.plate);
    expect(await otherOffers()).toBe(true);
    await staff.goto(`${baseUrl}/staff/customers/${v.customer.id}/log?lang=en`);
    const log = await staff.locator('main').innerText();
    expect(log).toContain('Moved an appointment (own link)');
    expect(log).toContain('Cancelled an appointment (own link)');
    await context.close();
  });
});
