import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { usePlatformAndBrowser, expectHeading, damagePhoto, fillContact, staffLogin } from '../support/browser';
import { createLocation, createStaff, uniqueEmail, uniquePlate } from '../support/fixtures';
import { confirmationLink, waitForMail } from '../support/mail';

describe('browser: estimate booking (P1, P2, P3) and staff job list', () => {
  const t = usePlatformAndBrowser();

  it('a customer books with a photo, confirms by the e-mail link, and staff see the job', async () => {
    const { companyId, location } = await createLocation(t.platform.db, { name: 'Carrosserie Test Gent' });
    const email = uniqueEmail('flow');
    const plate = uniquePlate();
    const context = await t.browser.newContext();
    const page = await context.newPage();

    await page.goto(`${t.platform.baseUrl}/p/${location.slug}?lang=en`);
    await expect(page.getByRole('heading', { name: 'Welcome' }).isVisible()).resolves.toBe(true);
    await page.getByRole('link', { name: 'Book an estimate' }).click();

    // Contact step refuses a missing consent and keeps what was typed.
    await page.getByLabel('First name').fill('Els');
    await page.getByLabel('Last name').fill('Maes');
    await page.getByLabel('E-mail').fill(email);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('We can only handle your request if you agree').waitFor();
    expect(await page.getByLabel('First name').inputValue()).toBe('Els');
    await fillContact(page, { firstName: 'Els', lastName: 'Maes', email, phone: '+32 470 12 34 56' });

    await page.getByLabel('Registration plate').fill(plate);
    await page.getByLabel('Make').fill('Toyota');
    await page.getByLabel('Model').fill('Yaris');
    await page.getByLabel('Photos of the damage').setInputFiles([
      { name: 'bumper.jpg', mimeType: 'image/jpeg', buffer: await damagePhoto() },
      { name: 'scratch.jpg', mimeType: 'image/jpeg', buffer: await damagePhoto('#27ae60') },
    ]);
    await page.getByRole('button', { name: 'Add these photos' }).click();
    await expectHeading(page, '2 photos added');
    // Removing one takes its row and its files (picture and thumbnail) away.
    const removed = await t.platform.db('photos').where({ original_name: 'scratch.jpg' }).whereNull('booking_id').orderBy('created_at', 'desc').first();
    await page.getByRole('button', { name: 'Remove (scratch.jpg)' }).click();
    await expectHeading(page, '1 photo added');
    expect(await t.platform.db('photos').where({ id: removed.id }).first()).toBeUndefined();
    for (const file of [removed.path, removed.thumbnail_path]) expect(existsSync(path.join(t.platform.config.UPLOAD_DIR, file))).toBe(false);
    expect(await page.getByLabel('Registration plate').inputValue()).toBe(plate);
    await page.getByRole('button', { name: 'Next' }).click();

    // One location: the location step is skipped.
    await expectHeading(page, 'Choose a time for the estimate');
    await page.locator('.slot label').first().click();
    await page.getByRole('button', { name: 'Next' }).click();

    await expectHeading(page, 'Check your request');
    const summary = await page.locator('dl.summary').innerText();
    expect(summary).toContain(plate);
    expect(summary).toContain('Els Maes');
    expect(summary).toContain('1 photo');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expectHeading(page, 'Check your e-mail');
    expect(await page.locator('main').innerText()).toContain(email);
    expect(await t.platform.db('jobs').where({ location_id: location.id }).count({ n: '*' }).first()).toEqual({ n: 0 });

    const mail = await waitForMail(email);
    // Opening the link confirms nothing (a mail scanner opens links too): it shows the booking and a button.
    await page.goto(confirmationLink(mail));
    await expectHeading(page, 'Confirm your appointment');
    expect(await page.locator('dl.summary').innerText()).toContain(plate);
    expect(await t.platform.db('jobs').where({ location_id: location.id }).count({ n: '*' }).first()).toEqual({ n: 0 });
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expectHeading(page, 'Your appointment is confirmed');
    const jobNumber = (await page.getByTestId('job-number').innerText()).trim();
    expect(jobNumber).toMatch(/^\d+$/);

    // A second click on the used link shows the same confirmation.
    await page.goto(confirmationLink(mail));
    expect((await page.getByTestId('job-number').innerText()).trim()).toBe(jobNumber);
    await context.close();

    const { email: staffEmail, password } = await createStaff(t.platform.db, companyId, 'receptionist');
    const staff = await t.browser.newContext();
    const staffPage = await staff.newPage();
    await staffPage.goto(`${t.platform.baseUrl}/staff/jobs`);
    expect(staffPage.url()).toContain('/staff/login');
    await staffLogin(staffPage, t.platform.baseUrl, staffEmail, password);
    await expectHeading(staffPage, 'Aftersales board');
    await staffPage.getByRole('link', { name: 'Jobs', exact: true }).click();
    await expectHeading(staffPage, 'Jobs');
    const row = staffPage.locator('#job-rows tr', { hasText: jobNumber });
    expect(await row.innerText()).toContain(plate);
    expect(await row.innerText()).toContain('Els Maes');
    await row.getByRole('link', { name: jobNumber }).click();
    await expectHeading(staffPage, `Job ${jobNumber}`);
    expect(await staffPage.locator('main').innerText()).toContain('Toyota Yaris');
    const thumbnail = staffPage.locator('.thumbs img').first();
    await thumbnail.waitFor();
    // Loaded, not broken (a broken image is complete with no width); it may still be on its way.
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await staff.close();
  });

  it('works the same without JavaScript, photo upload included', async () => {
    const { location } = await createLocation(t.platform.db);
    const email = uniqueEmail('nojs');
    const context = await t.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}?lang=de`);
    await page.getByRole('link', { name: 'Termin für Kostenvoranschlag' }).click();
    await page.getByLabel('Vorname').fill('Anna');
    await page.getByLabel('Nachname').fill('Schmidt');
    await page.getByLabel('E-Mail').fill(email);
    await page.getByLabel(/Ich bin damit einverstanden/).check();
    await page.getByRole('button', { name: 'Weiter' }).click();
    await page.getByLabel('Kennzeichen').fill('B-AS 1234');
    await page.getByLabel('Marke').fill('Opel');
    await page.getByLabel('Fotos des Schadens').setInputFiles({ name: 'tuer.jpg', mimeType: 'image/jpeg', buffer: await damagePhoto('#2980b9') });
    await page.getByRole('button', { name: 'Weiter' }).click();
    await page.locator('.slot label').first().click();
    await page.getByRole('button', { name: 'Weiter' }).click();
    expect(await page.locator('dl.summary').innerText()).toContain('1 Foto');
    await page.getByRole('button', { name: 'Bestätigen' }).click();
    await expectHeading(page, 'Prüfen Sie Ihre E-Mails');

    const mail = await waitForMail(email);
    expect(mail.subject).toBe(`Bitte bestätigen Sie Ihren Termin bei ${location.name}`);
    await page.goto(confirmationLink(mail));
    await expectHeading(page, 'Bestätigen Sie Ihren Termin');
    await page.getByRole('button', { name: 'Bestätigen' }).click();
    await expectHeading(page, 'Ihr Termin ist bestätigt');
    const jobNumber = (await page.getByTestId('job-number').innerText()).trim();
    const job = await t.platform.db('jobs').where({ job_number: jobNumber }).first();
    expect(await t.platform.db('photos').where({ job_id: job.id }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect((await t.platform.db('customers').where({ id: job.customer_id }).first()).language).toBe('de');
    await context.close();
  });

  it('shows the location step only with several locations, and a clear page when there are no hours', async () => {
    const { companyId, location } = await createLocation(t.platform.db, { name: 'Main site' });
    await createLocation(t.platform.db, { companyId, name: 'Second site without hours', hours: false });
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}/estimate?lang=en`);
    await fillContact(page, { firstName: 'Tom', lastName: 'Claes', email: uniqueEmail() });
    await page.getByLabel('Registration plate').fill(uniquePlate());
    await page.getByLabel('Make').fill('Ford');
    await page.getByRole('button', { name: 'Next' }).click();
    await expectHeading(page, 'Where would you like to come?');
    await page.getByLabel(/Second site without hours/).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await expectHeading(page, 'No time slots available');
    expect(await page.locator('main').innerText()).toContain('Please contact us');
    await context.close();
  });

  it('refuses a photo that is not an image, keeping the typed vehicle data', async () => {
    const { location } = await createLocation(t.platform.db);
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}/estimate?lang=en`);
    await fillContact(page, { firstName: 'An', lastName: 'Wouters', email: uniqueEmail() });
    await page.getByLabel('Registration plate').fill('1-ABC-123');
    await page.getByLabel('Make').fill('Skoda');
    await page.getByLabel('Photos of the damage').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Only photos (JPEG, PNG or WebP) can be added.').waitFor();
    expect(await page.getByLabel('Registration plate').inputValue()).toBe('1-ABC-123');
    expect(await page.getByLabel('Make').inputValue()).toBe('Skoda');
    await context.close();
  });

  it('tells the second customer the slot was just taken and keeps their data', async () => {
    const { location } = await createLocation(t.platform.db, { slot_capacity: 1 });
    const customers = [uniqueEmail('first'), uniqueEmail('second')];
    const pages = [];
    for (const email of customers) {
      const context = await t.browser.newContext();
      const page = await context.newPage();
      await page.goto(`${t.platform.baseUrl}/p/${location.slug}/estimate?lang=en`);
      await fillContact(page, { firstName: 'Lien', lastName: 'Jacobs', email });
      await page.getByLabel('Registration plate').fill('2-XYZ-789');
      await page.getByLabel('Make').fill('Renault');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.locator('.slot label').first().click();
      await page.getByRole('button', { name: 'Next' }).click();
      await expectHeading(page, 'Check your request');
      pages.push(page);
    }
    await pages[0]!.getByRole('button', { name: 'Confirm' }).click();
    await expectHeading(pages[0]!, 'Check your e-mail');
    await pages[1]!.getByRole('button', { name: 'Confirm' }).click();
    await pages[1]!.getByText('This slot was just taken, pick another.').waitFor();
    await pages[1]!.locator('.slot label').first().click();
    await pages[1]!.getByRole('button', { name: 'Next' }).click();
    const summary = await pages[1]!.locator('dl.summary').innerText();
    expect(summary).toContain('2-XYZ-789');
    expect(summary).toContain(customers[1]);
    await pages[1]!.getByRole('button', { name: 'Confirm' }).click();
    await expectHeading(pages[1]!, 'Check your e-mail');
  });
});

describe('browser: expired confirmation link (P3)', () => {
  const t = usePlatformAndBrowser({ BOOKING_LINK_TTL: '2s' });

  it('shows the exact expired text, in the language of the booking', async () => {
    const { location } = await createLocation(t.platform.db);
    const email = uniqueEmail('late');
    const context = await t.browser.newContext({ locale: 'nl-BE' });
    const page = await context.newPage();
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}/estimate?lang=en`);
    await fillContact(page, { firstName: 'Wim', lastName: 'Goossens', email });
    await page.getByLabel('Registration plate').fill(uniquePlate());
    await page.getByLabel('Make').fill('BMW');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('.slot label').first().click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expectHeading(page, 'Check your e-mail');
    const link = confirmationLink(await waitForMail(email));

    const booking = await t.platform.db('bookings').where({ email }).first();
    await t.platform.temporal.workflow.getHandle(`booking-${booking.id}`).result();
    await page.goto(link);
    expect(await page.locator('.expired-text').innerText()).toBe(
      'Oops - something went wrong. The link was probably no longer valid. Please enter your appointment request again via the web page. Sorry for the inconvenience.',
    );
    await page.goto(link.replace('lang=en', 'lang=nl'));
    expect(await page.locator('.expired-text').innerText()).toBe(
      'Oeps - er is iets fout gelopen. Vermoedelijk was de link niet meer geldig. Gelieve uw aanvraag voor afspraak opnieuw in te voeren via de webpagina alstublieft. Sorry voor het ongemak.',
    );
    expect(await t.platform.db('jobs').where({ location_id: location.id }).count({ n: '*' }).first()).toEqual({ n: 0 });
    await context.close();
  });
});
