import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createLocationService } from '../../db/checkin';
import { damagePhoto, expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { appointmentWithCheckinLink } from '../support/checkin';
import { createLocation, createStaff } from '../support/fixtures';

const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

describe('browser: the customer\'s online check-in page on a phone (C2-C4)', () => {
  const t = usePlatformAndBrowser();

  /** A planned appointment three days ahead, its link, two work lines and three optional services. */
  async function appointmentWithLink(language = 'en') {
    const db = t.platform.db;
    const { companyId, location } = await createLocation(db, { name: 'Garage Centrum' });
    await db('companies').where({ id: companyId }).update({ sms_enabled: true });
    const { customer, appointment, plate, vin, token } = await appointmentWithCheckinLink(db, location, { language });
    const service = (name: string, price_cents: number, position: number, link = '') =>
      createLocationService(db, location.id, { name, description: `${name}, done while you wait`, price_cents, link, converts_to_intervention: true, active: true, position });
    const carWash = await service('Car wash', 1250, 1, 'https://example.test/car-wash');
    const interior = await service('Interior cleaning', 4500, 2);
    await service('Tyre check', 0, 3);
    return { companyId, customer, appointment, plate, vin, token, link: `${t.platform.baseUrl}/c/${token}`, carWash, interior };
  }

  /** Nothing sticks out sideways on a phone. */
  async function fitsThePhone(page: Page) {
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  }

  it('changes channel and phone, sees the planned work, answers two services, adds a remark with a photo after a refused file, sends; the link then shows the summary', async () => {
    const w = await appointmentWithLink();
    const context = await t.browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(`${w.link}?lang=en`);
    await expectHeading(page, 'Online check-in');
    await page.getByText(/Hello Marie, your appointment at Garage Centrum is on/).waitFor();
    await fitsThePhone(page);

    // C4: SMS instead of e-mail, and a new mobile number.
    expect(await page.getByLabel('By e-mail').isChecked()).toBe(true);
    await page.getByLabel('By text message (SMS)').check();
    await page.getByLabel('Mobile phone').fill('');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('We need your mobile number to send you text messages.').waitFor();
    await page.getByLabel('Mobile phone').fill('+32 470 99 88 77');
    await page.getByRole('button', { name: 'Next' }).click();

    await expectHeading(page, 'Your appointment');
    expect(await page.locator('.plate').innerText()).toBe(w.plate);
    await page.getByText(w.vin).waitFor();
    await page.getByText('+32 470 99 88 77').waitFor();
    await fitsThePhone(page);
    await page.getByRole('link', { name: 'Next' }).click();

    // C2: planned work with prices incl. VAT and the total.
    await expectHeading(page, 'Planned work');
    const rows = await page.locator('.work-lines tbody tr').allInnerTexts();
    expect(rows.map((row) => row.replace(/\s+/g, ' ').trim())).toEqual(['Maintenance €189.50', 'Brake pads front Worn to 2 mm €120.00']);
    expect((await page.locator('.work-lines tfoot').innerText()).replace(/\s+/g, ' ').trim()).toBe('Total €309.50');
    await fitsThePhone(page);
    await page.getByRole('link', { name: 'Next' }).click();

    // C2: optional services.
    await expectHeading(page, 'Extra services');
    await page.getByText('Car wash · €12.50').waitFor();
    expect(await page.getByRole('link', { name: 'More information (Car wash)' }).getAttribute('href')).toBe('https://example.test/car-wash');
    await page.getByLabel('Yes, add it (Car wash)').check();
    await page.getByLabel('Please contact me (Interior cleaning)').check();
    expect(await page.getByLabel('No, thanks (Tyre check)').isChecked()).toBe(true);
    await fitsThePhone(page);
    await page.getByRole('button', { name: 'Next' }).click();

    // C3: a remark; a file that is not a photo is refused and everything typed stays.
    await expectHeading(page, 'Your remarks');
    expect(await page.getByLabel('Take a photo or video').getAttribute('capture')).toBe('environment');
    await page.getByLabel('Subject').fill('Scratch on the door');
    await page.getByLabel('Description').fill('Driver side, since last week');
    await page.getByLabel('Or choose photos or videos').setInputFiles([{ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not an image') }]);
    await page.getByRole('button', { name: 'Add this remark' }).click();
    await page.getByText('Not added, because they are not photos or videos we can take: notes.jpg').waitFor();
    expect(await page.getByLabel('Subject').inputValue()).toBe('Scratch on the door');
    expect(await page.getByLabel('Description').inputValue()).toBe('Driver side, since last week');
    await page.getByLabel('Or choose photos or videos').setInputFiles([{ name: 'door.jpg', mimeType: 'image/jpeg', buffer: await damagePhoto() }]);
    await page.getByRole('button', { name: 'Add this remark' }).click();
    await expectHeading(page, '1 remark added');
    await page.getByText('door.jpg').waitFor();
    await fitsThePhone(page);
    await page.getByRole('button', { name: 'Next' }).click();

    await expectHeading(page, 'Check and send');
    await page.getByText('Messages: By text message (SMS)').waitFor();
    await page.getByText('Car wash · €12.50').waitFor();
    await page.getByText('Scratch on the door').waitFor();
    // Nothing is stored before the customer sends it.
    expect(await t.platform.db('checkin_items').where({ appointment_id: w.appointment.id })).toEqual([]);
    await page.getByRole('button', { name: 'Send my check-in' }).click();
    await expectHeading(page, 'Thank you!');
    await page.getByText(/Your check-in has reached Garage Centrum\. See you on/).waitFor();

    // The customer and the communication log (C4).
    const db = t.platform.db;
    expect(await db('customers').where({ id: w.customer.id }).first()).toMatchObject({ phone: '+32 470 99 88 77', preferred_channel: 'sms' });
    expect(await db('appointments').where({ id: w.appointment.id }).first()).toMatchObject({ phone: '+32 470 99 88 77' });
    expect((await db('customer_events').where({ customer_id: w.customer.id }).orderBy('id')).map((e) => [e.kind, e.details.field ?? null])).toEqual([
      ['contact_changed', 'phone'],
      ['channel_changed', 'preferred_channel'],
      ['checkin_completed', null],
    ]);
    // The answers, the remark and its photo (C2, C3).
    const items = await db('checkin_items').where({ appointment_id: w.appointment.id }).orderBy('id');
    expect(items.map((i) => [i.kind, i.answer, i.service_name || i.subject, i.price_cents])).toEqual([
      ['service', 'accepted', 'Car wash', 1250],
      ['service', 'contact_me', 'Interior cleaning', 4500],
      ['remark', null, 'Scratch on the door', null],
    ]);
    const files = await db('checkin_files').where({ checkin_item_id: items[2].id });
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ kind: 'photo', original_name: 'door.jpg', mime_type: 'image/jpeg' });
    expect(existsSync(path.join(t.platform.config.UPLOAD_DIR, files[0].stored_name))).toBe(true);

    // A second visit of the link (another browser, as from the message again) shows the summary.
    const again = await t.browser.newContext(phone);
    const second = await again.newPage();
    await second.goto(`${w.link}?lang=en`);
    await expectHeading(second, 'Thank you!');
    await second.getByText('Car wash · €12.50 — added').waitFor();
    await second.getByText('Interior cleaning · €45.00 — we will contact you').waitFor();
    await second.getByText('door.jpg').waitFor();
    // Going back to a step cannot send a second time.
    await second.goto(`${w.link}/review?lang=en`);
    await expectHeading(second, 'Thank you!');
    expect(Number((await db('checkin_items').where({ appointment_id: w.appointment.id }).count({ n: '*' }).first())?.n)).toBe(3);
    await Promise.all([context.close(), again.close()]);
  });

  it('in Dutch (the appointment\'s language) and without JavaScript: prices as the Dutch write them, one service accepted, no remarks', async () => {
    const w = await appointmentWithLink('nl');
    const context = await t.browser.newContext({ ...phone, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(w.link);
    await expectHeading(page, 'Online check-in');
    await page.getByText(/Hallo Marie, uw afspraak bij Garage Centrum is op/).waitFor();
    await page.getByRole('button', { name: 'Volgende' }).click();
    await expectHeading(page, 'Uw afspraak');
    await page.getByRole('link', { name: 'Volgende' }).click();
    await expectHeading(page, 'Geplande werken');
    expect((await page.locator('.work-lines tfoot').innerText()).replace(/\s+/g, ' ').trim()).toBe('Totaal € 309,50');
    await page.getByRole('link', { name: 'Volgende' }).click();
    await expectHeading(page, 'Extra diensten');
    await page.getByLabel('Ja, voeg toe (Interior cleaning)').check();
    await page.getByRole('button', { name: 'Volgende' }).click();
    await expectHeading(page, 'Uw opmerkingen');
    await page.getByRole('button', { name: 'Volgende' }).click();
    await expectHeading(page, 'Controleren en versturen');
    await page.getByText('Interior cleaning · € 45,00').waitFor();
    await page.getByRole('button', { name: 'Mijn check-in versturen' }).click();
    await expectHeading(page, 'Bedankt!');
    await page.getByText('Interior cleaning · € 45,00 — toegevoegd').waitFor();

    const items = await t.platform.db('checkin_items').where({ appointment_id: w.appointment.id });
    expect(items.map((i) => [i.kind, i.answer, i.location_service_id])).toEqual([['service', 'accepted', w.interior]]);
    // Nothing changed in the welcome step, so nothing but the check-in is in the log.
    expect((await t.platform.db('customer_events').where({ customer_id: w.customer.id })).map((e) => e.kind)).toEqual(['checkin_completed']);
    await context.close();
  });

  it('admin: the optional services of a location, priced with a comma, from the location settings', async () => {
    const { companyId, location } = await createLocation(t.platform.db, { name: 'Garage Zuid' });
    const { email, password } = await createStaff(t.platform.db, companyId, 'admin');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    await page.goto(`${t.platform.baseUrl}/staff/settings/locations/${location.id}?lang=en`);
    await expectHeading(page, 'Garage Zuid');
    await page.getByRole('link', { name: 'Optional services at check-in' }).click();
    await expectHeading(page, 'Optional services at check-in');
    await page.getByText('No optional services yet.').waitFor();

    await page.getByLabel('Name').fill('Car wash');
    await page.getByLabel('Price incl. VAT').fill('twelve');
    await page.getByLabel('More information (web address)').fill('ftp://example.test/wash');
    await page.getByRole('button', { name: 'Add service' }).click();
    await page.getByText('Enter a price incl. VAT, such as 12,50.').waitFor();
    await page.getByText('Enter a web address starting with http:// or https://.').waitFor();
    expect(await page.getByLabel('Name').inputValue()).toBe('Car wash');

    await page.getByLabel('Price incl. VAT').fill('12,50');
    await page.getByLabel('More information (web address)').fill('https://example.test/wash');
    await page.getByRole('button', { name: 'Add service' }).click();
    await page.getByText('Service added.').waitFor();
    await page.locator('table.list').getByText('€12.50').waitFor();
    expect(await t.platform.db('location_services').where({ location_id: location.id }).select('name', 'price_cents', 'link', 'active', 'converts_to_intervention')).toEqual([
      { name: 'Car wash', price_cents: 1250, link: 'https://example.test/wash', active: true, converts_to_intervention: true },
    ]);

    // Edit: the price comes back as typed in English; no longer offered.
    await page.getByRole('link', { name: 'Edit Car wash' }).click();
    await expectHeading(page, /Edit service/);
    expect(await page.getByLabel('Price incl. VAT').inputValue()).toBe('12.50');
    await page.getByLabel('Price incl. VAT').fill('14.95');
    await page.getByLabel('Offered at check-in').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Service saved.').waitFor();
    expect(await t.platform.db('location_services').where({ location_id: location.id }).first()).toMatchObject({ price_cents: 1495, active: false });
    await context.close();
  });
});
