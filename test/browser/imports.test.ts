import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHeading, htmxSettled, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff } from '../support/fixtures';
import { plannerCsv } from '../support/imports';
import { startSftpServer, type SftpServer } from '../support/sftpServer';

describe('browser: D5 appointment import settings (Settings → Appointment import)', () => {
  const t = usePlatformAndBrowser({ IMPORT_STABLE_WAIT: '300ms' });
  let root: string;
  let sftp: SftpServer;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'planner-browser-'));
    sftp = await startSftpServer(root);
  });
  afterAll(async () => {
    await sftp?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('an admin sets up the SFTP source, tests the connection in place, runs the import and opens the report of the failing line', async () => {
    const { companyId } = await createLocation(t.platform.db);
    await mkdir(path.join(root, `b${companyId}`));
    await writeFile(path.join(root, `b${companyId}`, 'week49.csv'), plannerCsv('BRW', 4, { bad: [3] }));
    const admin = await createStaff(t.platform.db, companyId, 'admin');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, admin.email, admin.password);
    await expectHeading(page, 'Aftersales board');
    await page.goto(`${t.platform.baseUrl}/staff/settings/imports?lang=en`);
    await expectHeading(page, 'Appointment import');

    await page.getByLabel('Source', { exact: true }).selectOption('sftp');
    await page.getByLabel('Server', { exact: true }).fill(sftp.host);
    await page.getByLabel('Port', { exact: true }).fill(String(sftp.port));
    await page.getByLabel('User name', { exact: true }).fill(sftp.username);
    await page.getByLabel('Password or private key').fill(sftp.password);
    await page.getByLabel('Folder', { exact: true }).fill(`/b${companyId}`);
    // Tested in place (htmx): the typed values stay in the form.
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Connected: 1 file would be taken.').waitFor();
    await expect(page.getByLabel('Server', { exact: true }).inputValue()).resolves.toBe(sftp.host);

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Import settings saved.').waitFor();
    await expect(page.getByText('A password or key is stored (encrypted).').isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByText('The import has started').waitFor();
    // The runs table re-reads itself until the import is done.
    const row = page.getByRole('row', { name: /week49\.csv/ });
    await row.getByRole('cell', { name: 'Done' }).waitFor({ timeout: 30_000 });
    await htmxSettled(page);
    await row.getByRole('link').click();
    await expectHeading(page, 'Import of week49.csv');
    const failed = page.getByRole('row', { name: /^4 Datum/ });
    await expect(failed.getByRole('cell', { name: 'Not a valid date.' }).isVisible()).resolves.toBe(true);
    await context.close();
  });
});
