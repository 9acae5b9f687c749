import { describe, expect, it } from 'vitest';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff } from '../support/fixtures';

describe('browser: W2 API keys of the planning system (Settings → Planning system (API))', () => {
  const t = usePlatformAndBrowser();

  const push = (key: string) =>
    fetch(`${t.platform.baseUrl}/api/v1/appointments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ external_id: `B-${Date.now()}`, starts_at: '2026-12-20T09:00' }),
    });

  it('an admin creates a key (shown once, it works), sees it listed, and revokes it (it stops working)', async () => {
    const { companyId } = await createLocation(t.platform.db);
    const admin = await createStaff(t.platform.db, companyId, 'admin');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, admin.email, admin.password);
    await expectHeading(page, 'Aftersales board');
    await page.goto(`${t.platform.baseUrl}/staff/settings/api-keys?lang=en`);
    await expectHeading(page, 'Planning system (API)');
    await expect(page.getByText('No API keys yet.').isVisible()).resolves.toBe(true);

    // A name is required; the form says so beside the field.
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('Please fill in this field.').waitFor();
    await expect(page.getByLabel('Name').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('Name').fill('Planner Gent');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('Your new API key').waitFor();
    const key = await page.getByRole('textbox', { name: 'API key' }).inputValue();
    expect(key).toMatch(/^wsk_[A-Za-z0-9_-]{43}$/);
    const row = page.getByRole('row', { name: /Planner Gent/ });
    await expect(row.getByRole('cell', { name: 'Active' }).isVisible()).resolves.toBe(true);
    await expect(row.getByText(`${key.slice(0, 10)}…`).isVisible()).resolves.toBe(true);
    // Only a fingerprint is kept: the key is nowhere in the database.
    const stored = await t.platform.db('company_api_keys').where({ company_id: companyId }).first();
    expect(JSON.stringify(stored)).not.toContain(key.slice(4));

    expect((await push(key)).status).toBe(200);
    // Shown once: reading the page again does not show it.
    await page.reload();
    await expectHeading(page, 'Planning system (API)');
    await page.getByRole('row', { name: /Planner Gent/ }).waitFor();
    expect(await page.getByText('Your new API key').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    await expect(row.getByRole('cell', { name: 'never' }).count()).resolves.toBe(0);

    await row.getByRole('button', { name: 'Revoke key Planner Gent' }).click();
    await page.getByText('The key is revoked').waitFor();
    await expect(page.getByRole('row', { name: /Planner Gent/ }).getByText(/^Revoked /).isVisible()).resolves.toBe(true);
    expect(await page.getByRole('row', { name: /Planner Gent/ }).getByRole('button', { name: /Revoke/ }).count()).toBe(0);
    expect((await push(key)).status).toBe(401);
    await context.close();
  });
});
