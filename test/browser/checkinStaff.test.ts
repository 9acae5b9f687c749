import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Location } from '../../db/locations';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { checkedInAppointment } from '../support/checkinStaff';
import { createLocation, createStaff } from '../support/fixtures';

describe('browser: staff handle a completed online check-in (C5-C8)', () => {
  const t = usePlatformAndBrowser();

  it('pinned with an icon → convert the service, handle the remark by a cancelled "add intervention", call back → unpinned, name highlighted on its date; a mechanic sees the shared remark', async () => {
    const { db, baseUrl, config } = t.platform;
    const { companyId, location } = await createLocation(db, { name: 'Garage Inchecken' });
    const receptionist = await createStaff(db, companyId, 'receptionist');
    const mechanic = await createStaff(db, companyId, 'mechanic');
    // Three weeks ahead: outside the overview's default week, pinned all the same.
    const day = DateTime.now().setZone('Europe/Brussels').plus({ days: 21 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const a = await checkedInAppointment(db, location as Location, config.UPLOAD_DIR, day.toJSDate(), 'Vermeulen');

    const staff = await (await t.browser.newContext()).newPage();
    await staffLogin(staff, baseUrl, receptionist.email, receptionist.password);
    await expectHeading(staff, 'Aftersales board');
    await staff.getByRole('link', { name: 'Appointments' }).first().click();
    await expectHeading(staff, 'Appointments');
    const pinned = staff.locator('#pinned-appointments');
    await pinned.waitFor();
    await pinned.getByRole('img', { name: '5 check-in items to handle' }).waitFor();
    expect(await pinned.innerText()).toContain(a.plate);
    expect(await staff.locator('#appointments').count()).toBe(0); // nothing else this week

    await pinned.getByRole('link', { name: day.setLocale('en').toLocaleString(DateTime.DATETIME_MED) }).click();
    await expectHeading(staff, `Appointment #${a.appointmentId}`);
    const checkin = staff.locator('#checkin');
    const carWash = checkin.locator(`#checkin-item-${a.carWash}`);
    expect(await carWash.innerText()).toContain('To handle');
    expect(await carWash.innerText()).toContain('Accepted by the customer');

    // C7 convert: the service becomes an intervention and leaves the check-in section.
    await carWash.getByRole('button', { name: 'Convert to intervention' }).click();
    await staff.getByText('The service is now an intervention.').waitFor();
    expect(await checkin.getByText('Car wash').count()).toBe(0);
    const workLines = staff.locator('#work-lines');
    expect(await workLines.innerText()).toContain('Car wash');
    expect(await workLines.innerText()).toContain('€15.00');

    // C6: the scratch goes to the mechanics.
    const scratch = checkin.locator(`#checkin-item-${a.scratchRemark}`);
    const scratchSwitch = scratch.getByRole('switch', { name: 'Visible to mechanics' });
    expect(await scratchSwitch.getAttribute('aria-checked')).toBe('false');
    await scratchSwitch.click();
    await staff.getByText('Mechanics now see this remark and its files.').waitFor();
    expect(await checkin.locator(`#checkin-item-${a.scratchRemark}`).getByRole('switch', { name: 'Visible to mechanics' }).getAttribute('aria-checked')).toBe('true');
    // Its photo comes through the staff route.
    const thumbnail = checkin.locator(`#checkin-item-${a.scratchRemark} img`);
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);

    // C7: "add intervention" opens the form prefilled from the remark; cancelling still handles it.
    await checkin.locator(`#checkin-item-${a.scratchRemark}`).getByRole('button', { name: 'Add intervention' }).click();
    await expectHeading(staff, 'Add intervention');
    expect(await staff.getByLabel('Description').inputValue()).toBe('Scratch on the left door');
    expect(await staff.getByLabel('Remarks').inputValue()).toBe('Since last week, about 10 cm long.');
    await staff.getByRole('link', { name: 'Cancel' }).click();
    await staff.getByText('The remark is handled; no intervention was added.').waitFor();
    const handledScratch = staff.locator(`#checkin-item-${a.scratchRemark}`);
    // The boosted swap settles classes of elements that keep their id a moment later (htmx), so poll.
    await expect.poll(() => handledScratch.getAttribute('class')).toContain('handled');
    expect(await handledScratch.innerText()).toContain('Handled by Test receptionist');
    expect(await handledScratch.getByRole('button', { name: 'Add intervention' }).count()).toBe(0);
    expect(await staff.locator('#work-lines').innerText()).not.toContain('Scratch on the left door');

    // The rest: the noise becomes an intervention (saved), the private remark is cancelled, the customer is called back.
    await staff.locator(`#checkin-item-${a.noiseRemark}`).getByRole('button', { name: 'Add intervention' }).click();
    await expectHeading(staff, 'Add intervention');
    await staff.getByLabel('Description').fill('Find rattling noise rear axle');
    await staff.getByLabel('Price incl. VAT').fill('45');
    await staff.getByRole('button', { name: 'Save intervention' }).click();
    await staff.getByText('Intervention added.').waitFor();
    expect(await staff.locator('#work-lines').innerText()).toContain('€45.00');
    expect(await staff.locator('#work-lines').innerText()).toMatch(/Total incl\. VAT\s+€60\.00/);
    await staff.locator(`#checkin-item-${a.privateRemark}`).getByRole('button', { name: 'Add intervention' }).click();
    await staff.getByRole('link', { name: 'Cancel' }).click();
    await staff.getByText('The remark is handled; no intervention was added.').waitFor();
    await staff.locator(`#checkin-item-${a.interiorCleaning}`).getByRole('button', { name: 'Mark as handled' }).click();
    await staff.getByText('Marked as handled.').waitFor();
    await expect.poll(() => staff.locator('.checkin-item.open').count()).toBe(0);

    // C8: no pin, no icon; the appointment is on its own date, the customer's name highlighted.
    await staff.getByRole('link', { name: 'Appointments' }).first().click();
    await expectHeading(staff, 'Appointments');
    expect(await staff.locator('#pinned-appointments').count()).toBe(0);
    expect(await staff.getByRole('img', { name: /check-in items? to handle/ }).count()).toBe(0);
    await staff.getByLabel('From').fill(day.toISODate()!);
    await staff.getByLabel('To').fill(day.toISODate()!);
    await staff.getByRole('button', { name: 'Search' }).click();
    const row = staff.locator('#appointments tr', { hasText: a.plate });
    await row.waitFor();
    const name = row.locator('.checked-in');
    expect(await name.innerText()).toContain('Lotte Vermeulen');
    await row.getByRole('img', { name: 'Check-in completed' }).waitFor();
    expect(await row.getByRole('img', { name: /to handle/ }).count()).toBe(0);

    // C6: the mechanic's read-only page shows the shared remarks with their photo, not the private one.
    const workshop = await (await t.browser.newContext()).newPage();
    await staffLogin(workshop, baseUrl, mechanic.email, mechanic.password);
    await expectHeading(workshop, 'Aftersales board');
    await workshop.goto(`${baseUrl}/staff/appointments/${a.appointmentId}`);
    await expectHeading(workshop, `Appointment #${a.appointmentId}`);
    const shared = workshop.locator('#checkin');
    await shared.getByText('Scratch on the left door').waitFor();
    expect(await shared.innerText()).toContain('Rattling noise at 50 km/h');
    expect(await shared.innerText()).not.toContain('Please call my partner');
    const photo = shared.getByRole('img', { name: /Scratch on the left door/ });
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(64);
    expect(await workshop.locator('#work-lines').innerText()).toContain('Find rattling noise rear axle');
    expect(await workshop.getByRole('button').filter({ hasText: /Convert|Add intervention|Delete|Move/ }).count()).toBe(0);
    expect(await workshop.getByRole('link', { name: 'Edit' }).count()).toBe(0);
  });
});
