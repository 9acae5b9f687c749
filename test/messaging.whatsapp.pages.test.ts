import { describe, expect, it } from 'vitest';
import { queueMessage } from '../db/messages';
import { builtInText, whatsappTemplate } from '../lib/templates';
import { expectHeading, staffLogin, usePlatformAndBrowser } from './support/browser';
import { createLocation, createStaff } from './support/fixtures';

describe('browser: WhatsApp texts, the company switch and the development WhatsApp provider', () => {
  const t = usePlatformAndBrowser(); // NODE_ENV=test: the development WhatsApp provider

  it('without JavaScript an admin words the WhatsApp reminder as the approved template: every tag of it, no other', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId } = await createLocation(db, { name: 'Garage Peeters', hours: false });
    const admin = await createStaff(db, companyId, 'admin');
    const context = await t.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await staffLogin(page, baseUrl, admin.email, admin.password);
    await expectHeading(page, 'Aftersales board');
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('link', { name: 'Message texts' }).click();
    await expectHeading(page, 'Appointment reminder');
    expect(await page.getByRole('link', { name: /^Request rejected, WhatsApp/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /^Online check-in link, WhatsApp/ }).count()).toBe(0);
    await page.getByRole('link', { name: 'Appointment reminder, WhatsApp, Nederlands' }).click();
    await expectHeading(page, 'Appointment reminder · WhatsApp · Nederlands');

    const body = page.getByLabel('Message', { exact: true });
    const preview = page.getByRole('group', { name: 'Preview' });
    expect(await body.inputValue()).toBe(builtInText('checkin_reminder', 'whatsapp', 'nl').body);
    expect(await page.getByLabel('Subject').count()).toBe(0);
    const shown = await preview.innerText();
    expect(shown).toContain('Beste Jan Peeters, we herinneren u aan uw afspraak bij Garage Peeters morgen');
    expect(shown).toContain('checkin_reminder');
    expect(shown).toContain('Beste {{1}}, we herinneren u aan uw afspraak bij {{2}} morgen, {{3}} om {{4}}, voor uw voertuig {{5}}.');
    expect(await preview.locator('table.whatsapp-parameters tr').first().innerText()).toMatch(/\{\{1\}\}\s+\[CustomerName\]\s+Jan Peeters/);

    // Without the check-in link the approved template would have a variable nobody fills: refused, kept in the form.
    const withoutLink = 'Beste [CustomerName], tot morgen [Date] om [Time] bij [LocationName] met [Plate]. Vragen? Bel [LocationPhone] of [Klantnummer].';
    await body.fill(withoutLink);
    await page.getByRole('button', { name: 'Save text' }).click();
    await page.getByText('A WhatsApp text must use every tag of its approved template, and no other').waitFor();
    expect(await body.inputValue()).toBe(withoutLink);
    expect(await preview.innerText()).toMatch(/Missing, WhatsApp fills them all: \[CheckinLink\][\s\S]*Not in the template: \[Klantnummer\]/);
    expect(await db('company_templates').where({ company_id: companyId })).toEqual([]);

    const own = 'Beste [CustomerName], tot morgen [Date] om [Time] bij [LocationName] met [Plate]. Inchecken: [CheckinLink] Vragen? Bel [LocationPhone].';
    await body.fill(own);
    await page.getByRole('button', { name: 'Save text' }).click();
    await page.getByText('Text saved. Customers receive it from now on.').waitFor();
    expect(await db('company_templates').where({ company_id: companyId })).toEqual([
      expect.objectContaining({ purpose: 'checkin_reminder', channel: 'whatsapp', language: 'nl', subject: '', body: own }),
    ]);
    expect((await page.request.get(`${baseUrl}/staff/settings/messages/lead_rejection/whatsapp/nl`)).status()).toBe(404);
    expect((await page.request.get(`${baseUrl}/staff/settings/messages/checkin_link/whatsapp/nl`)).status()).toBe(404);

    // The company switch, offered because a WhatsApp provider is configured.
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('link', { name: 'Online booking settings' }).click();
    await expectHeading(page, 'Online booking settings');
    const whatsappSwitch = page.getByLabel('Send appointment reminders by WhatsApp');
    expect(await whatsappSwitch.isChecked()).toBe(false);
    await whatsappSwitch.check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Online booking settings saved.').waitFor();
    expect((await db('companies').where({ id: companyId }).first()).whatsapp_enabled).toBe(true);
    expect(await page.getByLabel('Send appointment reminders by WhatsApp').isChecked()).toBe(true);
    await page.getByLabel('Send appointment reminders by WhatsApp').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Online booking settings saved.').waitFor();
    expect((await db('companies').where({ id: companyId }).first()).whatsapp_enabled).toBe(false);
    await context.close();
  });

  it('advisors read what the development provider "sent" by WhatsApp; mechanics do not', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId } = await createLocation(db, { hours: false });
    const advisor = await createStaff(db, companyId, 'service_advisor');
    const mechanic = await createStaff(db, companyId, 'mechanic');

    const key = `checkin-0:test-${Date.now()}:reminder`;
    const values = { CustomerName: 'Sophie Claes', LocationName: 'Garage test', Date: 'jeudi 8 octobre 2026', Time: '09:00', Plate: '2-XYZ-987' };
    await queueMessage(db, {
      idempotencyKey: key,
      channel: 'whatsapp',
      kind: 'checkin_reminder',
      recipient: '0470 55 66 77',
      subject: '',
      body: 'Bonjour Sophie Claes, nous vous rappelons votre rendez-vous chez Garage test demain.',
      template: whatsappTemplate('checkin_reminder', 'fr', values),
    });
    await t.platform.activities.deliverMessage(key);

    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, baseUrl, advisor.email, advisor.password);
    await expectHeading(page, 'Aftersales board');
    await page.getByRole('link', { name: 'Development WhatsApp' }).click();
    await expectHeading(page, 'Development WhatsApp');
    expect(new URL(page.url()).pathname).toBe('/staff/messages/dev-whatsapp');
    const old = await page.request.get(`${baseUrl}/staff/messages/whatsapp-outbox`, { maxRedirects: 0 });
    expect([old.status(), old.headers()['location']]).toEqual([301, '/staff/messages/dev-whatsapp']);
    const row = page.locator('table.dev-whatsapp tr', { hasText: 'Bonjour Sophie Claes' });
    const text = await row.innerText();
    expect(text).toContain('+32470556677');
    expect(text).toContain('checkin_reminder (fr)');
    expect(text).toMatch(/Sophie Claes[\s\S]*Garage test[\s\S]*jeudi 8 octobre 2026[\s\S]*09:00[\s\S]*2-XYZ-987/);
    await context.close();

    const mechanicContext = await t.browser.newContext();
    const mechanicPage = await mechanicContext.newPage();
    await staffLogin(mechanicPage, baseUrl, mechanic.email, mechanic.password);
    await expectHeading(mechanicPage, 'Aftersales board');
    expect(await mechanicPage.getByRole('link', { name: 'Development WhatsApp' }).count()).toBe(0);
    expect((await mechanicPage.request.get(`${baseUrl}/staff/messages/dev-whatsapp`)).status()).toBe(403);
    await mechanicContext.close();
  });
});
