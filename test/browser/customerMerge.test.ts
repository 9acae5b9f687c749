import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { phoneColumns } from '../../db/customers';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createJob, createLocation, createStaff } from '../support/fixtures';

describe('browser: M7 staff merge a duplicate into a customer from the customer page (B2)', () => {
  const t = usePlatformAndBrowser();

  async function loggedIn(companyId: number, role: Parameters<typeof createStaff>[2]): Promise<Page> {
    const { email, password } = await createStaff(t.platform.db, companyId, role);
    const page = await (await t.browser.newContext()).newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    return page;
  }

  it('a service advisor finds the duplicate by phone in another notation, checks the comparison, confirms; its job moves and the timeline says so', async () => {
    const db = t.platform.db;
    const { companyId, location } = await createLocation(db);
    const [kept] = await db('customers')
      .insert({ company_id: companyId, customer_number: '10001', first_name: 'Marie', last_name: 'Janssens', email: 'marie@example.test', ...phoneColumns('+32 470 12 34 56') })
      .returning('id');
    // The duplicate: another e-mail, the same phone typed otherwise, an address the kept customer lacks, and a job of its own.
    const job = await createJob(db, location);
    const { customer_id: duplicateId } = await db('jobs').where({ id: job.id }).first('customer_id');
    await db('customers').where({ id: duplicateId }).update({ first_name: 'Maria', last_name: 'Janssen', ...phoneColumns('0470/12.34.56'), street: 'Veldstraat 10', postal_code: '9000', city: 'Gent' });

    const page = await loggedIn(companyId, 'service_advisor');
    await page.goto(`${t.platform.baseUrl}/staff/customers/${kept.id}`);
    await expectHeading(page, 'Customer: Marie Janssens');
    await page.getByLabel('Search by name, e-mail, phone or customer number').fill('0470 12 34 56');
    await page.getByRole('button', { name: 'Find duplicates' }).click();
    await expectHeading(page, 'Merge a duplicate into Marie Janssens');
    const row = page.locator('.merge-candidates tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain('Maria Janssen');
    await page.getByRole('link', { name: 'Choose Maria Janssen' }).click();

    await page.getByRole('heading', { name: 'Check and confirm the merge' }).waitFor();
    const comparison = await page.locator('.merge-compare').innerText();
    expect(comparison).toContain('Veldstraat 10');
    expect(await page.locator('main').innerText()).toContain('jobs 1, vehicles 1');
    await page.getByRole('button', { name: 'Merge into this customer' }).click();

    await expectHeading(page, 'Customer: Marie Janssens');
    await page.getByText(`Customer #${duplicateId} was merged into this customer.`).waitFor();
    // B2: the merge is on the kept customer's timeline, the moved job with it.
    const timeline = page.locator('.customer-timeline');
    await timeline.getByText('A duplicate customer was merged into this one').waitFor();
    expect(await timeline.innerText()).toContain(`Job ${job.job_number} created`);
    expect((await db('jobs').where({ id: job.id }).first()).customer_id).toBe(kept.id);
    expect(await db('customers').where({ id: duplicateId }).first()).toBeUndefined();
    expect(await db('customers').where({ id: kept.id }).first()).toMatchObject({ street: 'Veldstraat 10', phone: '+32 470 12 34 56' });

    // Confirming the same merge again (a second tab) is refused with its reason, not a 500.
    const again = await page.request.post(`${t.platform.baseUrl}/staff/customers/${kept.id}/merge`, {
      form: { duplicate: String(duplicateId), _csrf: await page.evaluate(() => JSON.parse(document.body.getAttribute('hx-headers') ?? '{}')['X-CSRF-Token']) },
    });
    expect(again.status()).toBe(409);
    expect(await again.text()).toContain('That customer no longer exists');
    await page.context().close();
  });

  it('a receptionist sees the customer page but not the merge, and the server refuses it (403)', async () => {
    const db = t.platform.db;
    const { companyId, location } = await createLocation(db);
    const job = await createJob(db, location);
    const { customer_id: customerId } = await db('jobs').where({ id: job.id }).first('customer_id');
    const page = await loggedIn(companyId, 'receptionist');
    await page.goto(`${t.platform.baseUrl}/staff/customers/${customerId}`);
    await expectHeading(page, 'Customer: Karel Janssens');
    expect(await page.getByRole('button', { name: 'Find duplicates' }).count()).toBe(0);
    const response = await page.goto(`${t.platform.baseUrl}/staff/customers/${customerId}/merge`);
    expect(response?.status()).toBe(403);
    await page.context().close();
  });
});
