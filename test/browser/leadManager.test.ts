import { describe, expect, it } from 'vitest';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import type { Knex } from 'knex';
import { createLocation, createStaff, insertLead as insertAnyLead } from '../support/fixtures';

/** The fixture's lead, driving an Opel Corsa unless told otherwise. */
const insertLead = (db: Knex, companyId: number, locationId: number, fields: Record<string, unknown>) =>
  insertAnyLead(db, companyId, locationId, { make: 'Opel', model: 'Corsa', ...fields });

describe('browser: the lead manager refreshes itself, searches live, counts New leads and warns without acceptors (M1, M5, M6)', () => {
  const t = usePlatformAndBrowser();

  it('shows new leads without a reload, narrows with the live search, shows "9+" and drops the warning once an acceptor is set', async () => {
    const db = t.platform.db;
    const { companyId, location } = await createLocation(db, { lead_refresh_seconds: 10 });
    await insertLead(db, companyId, location.id, { first_name: 'Marie', last_name: 'Janssens', plate: '1-ABC-123', make: 'Volkswagen', model: 'Golf' });
    await insertLead(db, companyId, location.id, { first_name: 'Koen', last_name: 'Peeters', plate: '2-XYZ-987', services: ['Tyre change', 'Brakes'] });
    const advisor = await createStaff(db, companyId, 'service_advisor');
    const admin = await createStaff(db, companyId, 'admin');

    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, advisor.email, advisor.password);
    await expectHeading(page, 'Aftersales board');
    // M6: every staff page shows the count beside the link.
    expect(await page.locator('#lead-badge').innerText()).toBe('2');
    await page.getByRole('link', { name: /^Leads/ }).click();
    await expectHeading(page, 'Lead manager');
    const rows = page.locator('#lead-rows tr');
    expect(await rows.count()).toBe(2);
    expect(await page.locator('#lead-rows').innerText()).toContain('2-XYZ-987 Opel Corsa');
    expect(await page.locator('#lead-rows').innerText()).toContain('Tyre change, Brakes');
    // M5: nobody takes online requests yet.
    await page.getByText('at least one acceptor must be set').waitFor();
    expect(await page.getByText('Please ask an administrator.').count()).toBe(1);

    // Requests arriving while the page is open appear by themselves, at the location's 10 seconds.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    // The refreshes say they are polls, so they do not keep an idle login alive.
    const requestTo = (pathname: string, trigger: string) =>
      page.waitForRequest((request) => new URL(request.url()).pathname === pathname && request.headers()['hx-trigger'] === trigger, { timeout: 25_000 });
    const refresh = requestTo('/staff/leads', 'lead-table');
    const badgePoll = requestTo('/staff/leads/badge', 'lead-badge');
    await insertLead(db, companyId, location.id, { first_name: 'Sophie', last_name: 'Dubois', plate: '1-NEW-001' });
    for (let i = 0; i < 8; i++) await insertLead(db, companyId, location.id, { last_name: `Lead ${i}` });
    await page.locator('#lead-rows').getByText('Sophie Dubois').waitFor({ timeout: 25_000 });
    await page.waitForFunction(() => document.querySelector('#lead-badge')?.textContent?.trim() === '9+', undefined, { timeout: 25_000 });
    expect(await rows.count()).toBe(11);
    expect((await refresh).headers()['x-poll']).toBe('true');
    expect((await badgePoll).headers()['x-poll']).toBe('true');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // Live search: typing narrows the table (no submit), and the URL keeps the search.
    await page.getByLabel('Search by name, e-mail, phone, plate or VIN').pressSequentially('peet');
    await page.waitForFunction(() => document.querySelectorAll('#lead-rows tr').length === 1, undefined, { timeout: 10_000 });
    expect(await page.locator('#lead-rows').innerText()).toContain('Koen Peeters');
    expect(page.url()).toContain('q=peet');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // The row leads to the lead page, with its decisions while it is New.
    await page.getByRole('link', { name: 'Koen Peeters' }).click();
    await expectHeading(page, /^Lead #\d+/);
    expect(await page.getByRole('link', { name: 'Create appointment' }).getAttribute('href')).toMatch(/^\/staff\/leads\/\d+\/appointment$/);
    expect(await page.getByRole('link', { name: 'Reject' }).getAttribute('href')).toMatch(/^\/staff\/leads\/\d+\/reject$/);

    // An admin chooses the advisor as acceptor on the online booking settings page.
    const adminContext = await t.browser.newContext();
    const adminPage = await adminContext.newPage();
    await staffLogin(adminPage, t.platform.baseUrl, admin.email, admin.password);
    await expectHeading(adminPage, 'Aftersales board');
    await adminPage.goto(`${t.platform.baseUrl}/staff/leads`);
    await adminPage.getByRole('link', { name: 'Choose acceptors' }).click();
    await expectHeading(adminPage, 'Online booking settings');
    await adminPage.getByLabel('Test service_advisor (Service advisor)').check();
    await adminPage.getByRole('button', { name: 'Save' }).click();
    await adminPage.getByText('Online booking settings saved.').waitFor();
    await adminContext.close();

    await page.goto(`${t.platform.baseUrl}/staff/leads`);
    await expectHeading(page, 'Lead manager');
    expect(await page.getByText('at least one acceptor must be set').count()).toBe(0);
    await context.close();
  });
});
