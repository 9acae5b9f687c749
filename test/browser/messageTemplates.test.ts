import { describe, expect, it } from 'vitest';
import { queueMessage } from '../../db/messages';
import { builtInText } from '../../lib/templates';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff } from '../support/fixtures';

describe('browser: message texts and the development SMS provider', () => {
  const t = usePlatformAndBrowser(); // NODE_ENV=test: the development SMS provider

  it('an admin adapts the German SMS rejection with a preview, saves it, and resets it to the built-in text', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId } = await createLocation(db, { name: 'Autohaus Müller', phone: '+49 30 1234567', hours: false });
    const admin = await createStaff(db, companyId, 'admin');
    const builtIn = builtInText('lead_rejection', 'sms', 'de');

    const context = await t.browser.newContext();
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept()); // "Replace your own text with the built-in one?"
    await staffLogin(page, baseUrl, admin.email, admin.password);
    await expectHeading(page, 'Aftersales board');
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('link', { name: 'Message texts' }).click();
    await expectHeading(page, 'Message texts');
    expect(await page.locator('nav.languages').innerText()).toMatch(/English\s+Nederlands\s+Français\s+Deutsch/);
    await page.getByRole('link', { name: 'Request rejected, SMS, Deutsch' }).click();
    await expectHeading(page, 'Request rejected · SMS · Deutsch');

    const body = page.getByLabel('Message', { exact: true });
    const preview = page.getByRole('group', { name: 'Preview' });
    expect(await body.inputValue()).toBe(builtIn.body);
    expect(await page.getByLabel('Subject').count()).toBe(0); // an SMS has none
    expect(await preview.innerText()).toContain('Autohaus Müller: Leider können wir Ihre Terminanfrage für');

    // An empty text is refused, kept in the form.
    await body.fill('   ');
    await page.getByRole('button', { name: 'Save text' }).click();
    await page.getByText('Please enter the message text.').waitFor();

    // Typing updates the preview in place (htmx; the "Preview" button does it without JavaScript, see below).
    const ownText = '[LocationName]: Am [Date] sind wir leider ausgebucht. Rufen Sie uns an: [LocationPhone] [Kundennummer]';
    await body.fill(ownText);
    await preview.getByText('Autohaus Müller: Am ').waitFor();
    const shown = await preview.innerText();
    expect(shown).toMatch(/Am \w+, \d+\. \w+ \d{4} sind wir leider ausgebucht\. Rufen Sie uns an: \+49 30 1234567 \[Kundennummer\]/);
    expect(shown).toMatch(/\d+ characters: 1 SMS/);
    expect(shown).toContain('Not a known tag, left as typed: [Kundennummer]');
    expect(await body.inputValue()).toBe(ownText);

    await page.getByRole('button', { name: 'Save text' }).click();
    await page.getByText('Text saved. Customers receive it from now on.').waitFor();
    expect(await page.getByText('Customers now receive your own text.').isVisible()).toBe(true);
    const saved = await db('company_templates').where({ company_id: companyId });
    expect(saved).toEqual([
      expect.objectContaining({ purpose: 'lead_rejection', channel: 'sms', language: 'de', subject: '', body: ownText }),
    ]);
    await page.getByRole('link', { name: 'Message texts' }).first().click();
    await expectHeading(page, 'Message texts');
    expect(await page.getByRole('link', { name: 'Request rejected, SMS, Deutsch' }).innerText()).toBe('Own text');
    expect(await page.getByRole('link', { name: 'Request rejected, SMS, Nederlands' }).innerText()).toBe('Built-in');

    await page.getByRole('link', { name: 'Request rejected, SMS, Deutsch' }).click();
    await page.getByRole('button', { name: 'Reset to built-in text' }).click();
    await page.getByText('The built-in text is used again.').waitFor();
    expect(await db('company_templates').where({ company_id: companyId })).toEqual([]);
    expect(await body.inputValue()).toBe(builtIn.body);
    expect(await page.getByRole('button', { name: 'Reset to built-in text' }).count()).toBe(0);
    await context.close();
  });

  it('without JavaScript an e-mail text previews and needs a subject; advisors read the development SMS but not the texts, mechanics neither', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId } = await createLocation(db, { hours: false });
    const admin = await createStaff(db, companyId, 'admin');
    const advisor = await createStaff(db, companyId, 'service_advisor');
    const mechanic = await createStaff(db, companyId, 'mechanic');

    const adminContext = await t.browser.newContext({ javaScriptEnabled: false });
    const adminPage = await adminContext.newPage();
    await staffLogin(adminPage, baseUrl, admin.email, admin.password);
    await expectHeading(adminPage, 'Aftersales board');
    await adminPage.goto(`${baseUrl}/staff/settings/messages/appointment_confirmation/email/nl`);
    await expectHeading(adminPage, 'Appointment confirmed · E-mail · Nederlands');
    expect(await adminPage.getByLabel('Subject').inputValue()).toBe(builtInText('appointment_confirmation', 'email', 'nl').subject);
    await adminPage.getByLabel('Subject').fill('Tot [Date] om [Time], [CustomerName]');
    await adminPage.getByRole('button', { name: 'Preview', exact: true }).click();
    const subject = adminPage.getByRole('group', { name: 'Preview' }).locator('.mail-subject');
    expect(await subject.innerText()).toMatch(/^Tot \w+ \d+ \w+ \d{4} om 08:30, Jan Peeters$/);
    expect(await adminPage.getByLabel('Subject').inputValue()).toBe('Tot [Date] om [Time], [CustomerName]');
    expect(await db('company_templates').where({ company_id: companyId })).toEqual([]); // a preview saves nothing
    await adminPage.getByLabel('Subject').fill('');
    await adminPage.getByRole('button', { name: 'Save text' }).click();
    await adminPage.getByText('Please enter a subject.').waitFor();
    expect(await db('company_templates').where({ company_id: companyId })).toEqual([]);
    expect((await adminPage.request.get(`${baseUrl}/staff/settings/messages/appointment_confirmation/fax/nl`)).status()).toBe(404);
    await adminContext.close();

    // What the development provider "sent", through the real delivery activity.
    const key = `lead-0:test-${Date.now()}`;
    await queueMessage(db, { idempotencyKey: key, channel: 'sms', kind: 'lead_rejection', recipient: '0470 55 66 77', subject: '', body: 'Garage test: helaas is het vol.' });
    await t.platform.activities.deliverMessage(key);

    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, baseUrl, advisor.email, advisor.password);
    await expectHeading(page, 'Aftersales board');
    expect(await page.getByRole('link', { name: 'Message texts' }).count()).toBe(0);
    expect((await page.request.get(`${baseUrl}/staff/settings/messages`)).status()).toBe(403);
    await page.getByRole('link', { name: 'Development SMS' }).click();
    await expectHeading(page, 'Development SMS');
    expect(new URL(page.url()).pathname).toBe('/staff/messages/dev-sms');
    const row = page.locator('table.dev-sms tr', { hasText: 'Garage test: helaas is het vol.' });
    expect(await row.innerText()).toContain('+32470556677');
    // The old address of the page (when it was called an outbox) moved for good.
    const old = await page.request.get(`${baseUrl}/staff/messages/sms-outbox`, { maxRedirects: 0 });
    expect([old.status(), old.headers()['location']]).toEqual([301, '/staff/messages/dev-sms']);
    await context.close();

    const mechanicContext = await t.browser.newContext();
    const mechanicPage = await mechanicContext.newPage();
    await staffLogin(mechanicPage, baseUrl, mechanic.email, mechanic.password);
    await expectHeading(mechanicPage, 'Aftersales board');
    expect(await mechanicPage.getByRole('link', { name: 'Development SMS' }).count()).toBe(0);
    expect((await mechanicPage.request.get(`${baseUrl}/staff/messages/dev-sms`)).status()).toBe(403);
    await mechanicContext.close();
  });
});
