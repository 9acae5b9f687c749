import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyImportSource } from '../db/imports';
import { createLocation, createStaff } from './support/fixtures';
import { httpClient, visibleText } from './support/httpClient';
import { plannerCsv } from './support/imports';
import { startPlatform, type Platform } from './support/platform';
import { startSftpServer, type SftpServer } from './support/sftpServer';
import { waitUntil } from './support/wait';

/** D5/W2: the admin's import settings page: the source, its connection test, Run now, the runs and a run's report. */
describe('appointment import settings page (HTTP, real SFTP server)', () => {
  let platform: Platform;
  let root: string;
  let sftp: SftpServer;
  beforeAll(async () => {
    platform = await startPlatform({ IMPORT_STABLE_WAIT: '300ms' });
    root = await mkdtemp(path.join(os.tmpdir(), 'planner-page-'));
    sftp = await startSftpServer(root);
  });
  afterAll(async () => {
    await sftp?.close();
    await platform?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('an admin configures the SFTP source (secret stored sealed), tests the connection, runs the import and reads the failing line in the report', async () => {
    const { companyId } = await createLocation(platform.db);
    await mkdir(path.join(root, `c${companyId}`));
    await writeFile(path.join(root, `c${companyId}`, 'planning.csv'), plannerCsv('WEB', 3, { bad: [2] }));
    const admin = httpClient(platform.baseUrl);
    const { email, password } = await createStaff(platform.db, companyId, 'admin');
    await admin.login(email, password);
    const page = await admin.formPage('/staff/settings/imports?lang=en');
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).toContain('No import has run yet.');

    const form = { kind: 'sftp', host: sftp.host, port: String(sftp.port), username: sftp.username, secret: sftp.password, host_key: '', remote_path: `/c${companyId}`, file_pattern: '*.csv', encoding: 'auto', separator: 'auto', date_order: 'auto', location_id: '', enabled: 'on' };
    // A mistake is shown beside its field, what was typed kept (never the secret).
    const wrong = await admin.post('/staff/settings/imports', { ...form, port: '99999' });
    expect(wrong.status).toBe(422);
    const wrongHtml = await wrong.text();
    expect(visibleText(wrongHtml)).toContain('A port is a number from 1 to 65535.');
    expect(wrongHtml).toContain(`value="${sftp.host}"`);
    expect(wrongHtml).not.toContain(sftp.password);

    expect((await admin.post('/staff/settings/imports', form)).status).toBe(303);
    const stored = (await companyImportSource(platform.db, companyId))!;
    expect(stored.secret).toMatch(/^v1\./);
    expect(stored.secret).not.toContain(sftp.password);
    const saved = await admin.formPage('/staff/settings/imports?lang=en&notice=saved');
    expect(visibleText(saved.html)).toContain('A password or key is stored (encrypted).');
    expect(saved.html).not.toContain(sftp.password);

    // The connection test (the stored password, no secret typed): with htmx only its answer comes back.
    const tested = await admin.request('/staff/settings/imports/test', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'HX-Request': 'true', 'X-CSRF-Token': admin.csrfToken() },
      body: new URLSearchParams({ ...form, secret: '' }),
    });
    const testedHtml = await tested.text();
    expect(tested.status).toBe(200);
    expect(testedHtml.trim().startsWith('<div id="import-test"')).toBe(true);
    expect(visibleText(testedHtml)).toContain('Connected: 1 file would be taken.');
    const badKey = await admin.post('/staff/settings/imports/test', { ...form, secret: '', host_key: `SHA256:${'A'.repeat(43)}` });
    const badKeyText = visibleText(await badKey.text());
    expect(badKeyText).toContain('host key is not the one configured.');
    expect(badKeyText).toContain(sftp.hostKey);

    expect((await admin.post('/staff/settings/imports/run')).headers.get('location')).toBe('/staff/settings/imports?notice=started');
    const run = await waitUntil('the run', async () => {
      const found = await platform.db('import_runs').where({ company_id: companyId, status: 'done' }).first();
      return found ?? undefined;
    });
    const overview = visibleText((await admin.page('/staff/settings/imports?lang=en')).html);
    expect(overview).toContain('planning.csv');
    const report = await admin.page(`/staff/settings/imports/runs/${run.id}?lang=en`);
    expect(report.status).toBe(200);
    expect(report.html).toMatch(/<dd data-count="added">2<\/dd>/);
    expect(report.html).toMatch(/<dd data-count="failed">1<\/dd>/);
    expect(visibleText(report.html)).toMatch(/3 Datum Not a valid date\. 31-02-2027/);
    // The failing line as the planner wrote it, with the header, to fix and drop again (the same file as the DMS import's).
    expect(report.html).toContain(`/staff/settings/imports/runs/${run.id}/errors.csv`);
    const failing = await admin.request(`/staff/settings/imports/runs/${run.id}/errors.csv`);
    expect(failing.status).toBe(200);
    expect(failing.headers.get('content-disposition')).toContain('planning-failing-lines.csv');
    const [header, , second] = plannerCsv('WEB', 3, { bad: [2] }).split('\r\n');
    expect(await failing.text()).toBe(`${header}\r\n${second}\r\n`);
  });

  it('only admins reach it, and a company sees only its own runs', async () => {
    const { companyId } = await createLocation(platform.db);
    const advisor = httpClient(platform.baseUrl);
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    await advisor.login(email, password);
    expect((await advisor.page('/staff/settings/imports')).status).toBe(403);
    const other = await createLocation(platform.db);
    const admin = httpClient(platform.baseUrl);
    const login = await createStaff(platform.db, other.companyId, 'admin');
    await admin.login(login.email, login.password);
    const [run] = await platform.db('import_runs').insert({ company_id: companyId, workflow_run: 'test/one', status: 'done', file_name: 'theirs.csv' }).returning('id');
    expect((await admin.page(`/staff/settings/imports/runs/${run.id}`)).status).toBe(404);
    expect((await admin.post('/staff/settings/imports/run')).headers.get('location')).toBe('/staff/settings/imports?notice=noSource');
  });
});
