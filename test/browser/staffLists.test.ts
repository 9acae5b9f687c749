import { describe, expect, it } from 'vitest';
import { expectHeading, htmxSettled, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff } from '../support/fixtures';
import { insertJobs, insertLeads } from '../support/staffLists';

const numbers = (texts: string[], pattern: RegExp) => texts.map((text) => Number(pattern.exec(text)?.[1])).sort((a, b) => a - b);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('browser: the jobs list and the lead manager page on, keeping the search and filters (issue 14)', () => {
  const t = usePlatformAndBrowser();

  it('page 2 of the jobs list shows the next jobs of the same search; page 2 of the lead manager the next leads of the same filters', async () => {
    const db = t.platform.db;
    const { companyId, location } = await createLocation(db);
    await insertJobs(db, location, 55, 'Pagina');
    await insertJobs(db, location, 3, 'Other');
    await insertLeads(db, location, 60, 'Pager');
    await insertLeads(db, location, 4, 'Pager', 'rejected');
    const { email, password } = await createStaff(db, companyId, 'service_advisor');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');

    // Jobs: the live search narrows, the pager keeps the search.
    await page.goto(`${t.platform.baseUrl}/staff/jobs?lang=en`);
    await expectHeading(page, 'Jobs');
    await page.getByLabel('Search by job number, plate or name').pressSequentially('Pagina');
    await page.waitForFunction(() => document.querySelectorAll('#job-rows .plate').length === 50 && !document.querySelector('#job-rows')!.textContent!.includes('Other'), undefined, { timeout: 10_000 });
    await page.getByRole('link', { name: 'Older jobs' }).click();
    await page.waitForURL(/before=/);
    await htmxSettled(page);
    expect(numbers(await page.locator('#job-rows .plate').allInnerTexts(), /PA-(\d+)/)).toEqual(range(51, 55));
    expect(await page.getByLabel('Search by job number, plate or name').inputValue()).toBe('Pagina');
    expect(page.url()).toContain('q=Pagina');
    expect(await page.getByRole('link', { name: 'Older jobs' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Newest jobs' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#job-rows .plate').length === 50, undefined, { timeout: 10_000 });

    // Leads: status New (the default) and a search; page 2 keeps both.
    await page.goto(`${t.platform.baseUrl}/staff/leads?lang=en`);
    await expectHeading(page, 'Lead manager');
    await page.getByLabel('Search by name, e-mail, phone, plate or VIN').pressSequentially('pager');
    await page.waitForURL(/q=pager/);
    await htmxSettled(page);
    expect(await page.locator('#lead-rows tr').count()).toBe(50);
    await page.getByRole('link', { name: 'Older leads' }).click();
    await page.waitForURL(/before=/);
    await htmxSettled(page);
    expect(numbers(await page.locator('#lead-rows tr').allInnerTexts(), /Pager Lead(\d+)/)).toEqual(range(51, 60));
    expect(await page.getByLabel('Status').inputValue()).toBe('new');
    expect(await page.getByLabel('Search by name, e-mail, phone, plate or VIN').inputValue()).toBe('pager');
    await context.close();
  });
});
