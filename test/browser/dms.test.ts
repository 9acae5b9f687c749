import { describe, expect, it } from 'vitest';
import { expectHeading, htmxSettled, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff } from '../support/fixtures';

/** A customers export whose e-mail column has a header no alias knows, and one row with a broken e-mail. */
const exportCsv = [
  'Klantnummer;Voornaam;Naam;Elektronische post;Gemeente',
  'B-1;Eva;Jacobs;eva.b1@example.test;Gent',
  'B-2;Jonas;Maes;not-an-email;Brugge',
  'B-3;;"Garage Peeters; Zonen";b3@example.test;Aalst',
].join('\r\n') + '\r\n';

describe('browser: P9 the DMS datastore (Settings → DMS datastore): upload, preview, mapping, import, failing lines, undo', () => {
  const t = usePlatformAndBrowser();

  it('an admin uploads customers, fixes a column in the preview, imports, downloads the failing line and undoes the import', async () => {
    const { companyId } = await createLocation(t.platform.db);
    const admin = await createStaff(t.platform.db, companyId, 'admin');
    const context = await t.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, admin.email, admin.password);
    await expectHeading(page, 'Aftersales board');
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'DMS datastore' }).click();
    await expectHeading(page, 'DMS datastore');

    await page.getByLabel('CSV file').setInputFiles({ name: 'klanten.csv', mimeType: 'text/csv', buffer: Buffer.from(exportCsv) });
    await page.getByLabel('The file holds').selectOption('customers');
    await page.getByLabel('Full').check();
    await page.getByRole('button', { name: 'Upload and preview' }).click();
    await expectHeading(page, 'DMS import of klanten.csv');
    const status = page.locator('[data-field="status"]');
    await status.getByText('Waiting for your decision').waitFor({ timeout: 30_000 });
    await htmxSettled(page);

    // The e-mail column was not recognised: the admin maps it and previews again.
    const email = page.getByLabel('E-mail', { exact: true });
    await expect(email.inputValue()).resolves.toBe('auto');
    await expect(page.getByText('Columns not imported: Elektronische post').isVisible()).resolves.toBe(true);
    await email.selectOption({ label: 'Elektronische post' });
    await page.getByRole('button', { name: 'Preview again' }).click();
    await page.getByText('The file is read again with your choices.').waitFor();
    await status.getByText('Waiting for your decision').waitFor({ timeout: 30_000 });
    await htmxSettled(page);
    const sample = page.getByRole('table', { name: 'The first rows as they will be stored' });
    await expect(sample.getByRole('row', { name: /B-1/ }).innerText()).resolves.toContain('eva.b1@example.test');
    await expect(page.locator('dd[data-count="added"]').innerText()).resolves.toBe('2');
    await expect(page.locator('dd[data-count="failed"]').innerText()).resolves.toBe('1');
    // Nothing is written before Import.
    expect(await t.platform.db('customers').where({ company_id: companyId }).count({ n: '*' }).first()).toEqual({ n: 0 });

    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('The import has started.').waitFor();
    await status.getByText('Done').waitFor({ timeout: 60_000 });
    await htmxSettled(page);
    await expect(page.locator('dd[data-count="added"]').innerText()).resolves.toBe('2');
    const failed = page.getByRole('row', { name: /^3 / });
    await expect(failed.innerText()).resolves.toContain('Not a valid e-mail address.');
    expect(await t.platform.db('customers').where({ company_id: companyId }).count({ n: '*' }).first()).toEqual({ n: 2 });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download failing lines (CSV)' }).click()]);
    expect(download.suggestedFilename()).toBe('klanten-failing-lines.csv');
    const chunks: Buffer[] = [];
    for await (const chunk of (await download.createReadStream())!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe('Klantnummer;Voornaam;Naam;Elektronische post;Gemeente\r\nB-2;Jonas;Maes;not-an-email;Brugge\r\n');

    await expect(page.getByText('Undo removes every record this import added').isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Undo this import' }).click();
    await page.getByText('The import is being undone.').waitFor();
    await status.getByText('Undone', { exact: true }).waitFor({ timeout: 60_000 });
    await expect(page.locator('[data-field="undone"]').innerText()).resolves.toMatch(/^Undone: 2 records removed/);
    expect(await t.platform.db('customers').where({ company_id: companyId }).count({ n: '*' }).first()).toEqual({ n: 0 });

    // The history names who, what and how.
    await page.getByRole('link', { name: 'Back to the DMS datastore' }).click();
    const row = page.getByRole('row', { name: /klanten\.csv/ });
    await expect(row.innerText()).resolves.toMatch(/Test admin\s+klanten\.csv\s+Customers\s+Full\s+Default/);
    await context.close();
  });
});
