import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDmsRun, type DmsPreview } from '../db/dmsImport';
import { dmsCustomerSampleCsv } from '../lib/csv/dms';
import { defaultDmsSource } from '../db/dmsSources';
import { setPermission } from '../db/permissions';
import { dmsFilePath } from '../lib/uploadFiles';
import { dmsImportWorkflowId } from '../workflows/dmsImport.contract';
import { bytesUnder, filesUnder } from './support/disk';
import { createJob, createLocation, createStaff } from './support/fixtures';
import { httpClient, visibleText, type HttpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

const customersCsv = '\uFEFFKlantnummer;Naam;E-mail\r\nK1;Peeters;an@example.test\r\n';

/** A multipart upload form as the page posts it (the client puts the CSRF token first). */
function uploadForm(fields: Record<string, string>, file?: { content: Buffer | string; name?: string }): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('file', new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)], { type: 'text/csv' }), file.name ?? 'klanten.csv');
  return form;
}

/** P9/D5: the DMS datastore page over HTTP, as a browser without JavaScript uses it. */
describe('DMS datastore page (HTTP)', () => {
  let platform: Platform;
  let uploadDir: string;
  beforeAll(async () => {
    // A small limit, so "too large" is cheap to send; the default upload folder layout (.data/uploads).
    platform = await startPlatform({ DMS_MAX_FILE_BYTES: '4096' });
    uploadDir = platform.config.UPLOAD_DIR;
    expect(uploadDir).toMatch(/\.data[/\\]uploads$/);
  });
  afterAll(() => platform?.close());

  async function adminOf(companyId: number): Promise<HttpClient> {
    const client = httpClient(platform.baseUrl);
    const { email, password } = await createStaff(platform.db, companyId, 'admin');
    await client.login(email, password);
    return client;
  }

  /** A run the worker would have previewed (or finished), written as the worker writes it. */
  async function previewedRun(companyId: number, changes: Record<string, unknown> = {}) {
    const source = await defaultDmsSource(platform.db, companyId);
    const run = await createDmsRun(platform.db, {
      companyId, staffId: null, kind: 'customers', mode: 'full', sourceId: source.id, fileName: 'klanten.csv', size: 100, sha256: 'x'.repeat(64), options: { encoding: 'auto', separator: 'auto', headers: {} },
    });
    const preview: DmsPreview = {
      fields: [{ name: 'dms_id', required: true, header: 'Klantnummer' }, { name: 'last_name', required: false, header: 'Naam' }, { name: 'email', required: false, header: null }],
      headers: ['Klantnummer', 'Naam', 'Mail'],
      unused: ['Mail'],
      read: { encoding: 'utf-8', bom: true, separator: ';', decimalMark: ',', dateOrders: {} },
      sample: [{ line: 2, values: { dms_id: 'K1', last_name: 'Peeters' } }],
      counts: { rows: 3, added: 1, updated: 1, unchanged: 0, failed: 1 },
      updatedFields: { last_name: 1 },
      errors: [{ line: 4, column: 'Naam', reason: 'required' }],
      fileError: null,
    };
    await platform.db('import_runs').where({ id: run.id }).update({ status: 'previewed', preview: JSON.stringify(preview), ...changes });
    return run.id;
  }

  it('a mechanic is refused; a role granted "DMS datastore" sees the Settings link, only its own section, and the page', async () => {
    const { companyId } = await createLocation(platform.db);
    const mechanic = httpClient(platform.baseUrl);
    const m = await createStaff(platform.db, companyId, 'mechanic');
    await mechanic.login(m.email, m.password);
    expect((await mechanic.page('/staff/settings/dms')).status).toBe(403);
    expect((await mechanic.page('/staff/settings/dms/runs/1')).status).toBe(403);
    const refused = await mechanic.post('/staff/settings/dms/upload', uploadForm({ kind: 'customers', mode: 'full' }, { content: customersCsv }));
    expect(refused.status).toBe(403);
    expect(await filesUnder(path.join(uploadDir, 'incoming'))).toEqual([]);

    const receptionist = httpClient(platform.baseUrl);
    const r = await createStaff(platform.db, companyId, 'receptionist');
    await receptionist.login(r.email, r.password);
    expect((await receptionist.page('/staff/settings/dms')).status).toBe(403);
    await setPermission(platform.db, companyId, 'receptionist', 'dms_datastore', true);
    const board = await receptionist.page('/staff/jobs?lang=en');
    expect(board.html).toMatch(/<a href="\/staff\/settings">Settings<\/a>/);
    const settings = await receptionist.page('/staff/settings?lang=en');
    expect(settings.status).toBe(200);
    expect(settings.html).toContain('href="/staff/settings/dms"');
    expect(settings.html).not.toContain('href="/staff/settings/locations"');
    expect(visibleText(settings.html)).toContain('Third parties');
    const page = await receptionist.formPage('/staff/settings/dms?lang=en');
    expect(page.status).toBe(200);
    expect(visibleText(page.html)).toContain('Nothing has been imported yet.');
    // No sources yet: the form offers "Default".
    expect(page.html).toMatch(/<select id="source_id" name="source_id">\s*<option value="">Default<\/option>/);
  });

  it('an upload is refused (too large, no file, a wrong kind) with the choices kept and nothing on disk; a good one gets its run, file and workflow', async () => {
    const { companyId } = await createLocation(platform.db);
    const admin = await adminOf(companyId);
    await admin.formPage('/staff/settings/dms?lang=en');
    const runsBefore = await platform.db('import_runs').where({ company_id: companyId }).count({ n: '*' }).first();
    const before = await bytesUnder(uploadDir);

    const tooLarge = await admin.post('/staff/settings/dms/upload?lang=en', uploadForm({ kind: 'vehicles', mode: 'full', source_id: '' }, { content: randomBytes(10_000) }));
    expect(tooLarge.status).toBe(422);
    const tooLargeHtml = await tooLarge.text();
    expect(visibleText(tooLargeHtml)).toContain('The file is too large for an import.');
    expect(tooLargeHtml).toMatch(/<option value="vehicles" selected>/);
    expect(tooLargeHtml).toMatch(/id="mode-full" name="mode" value="full" checked/);
    expect(await bytesUnder(uploadDir)).toBe(before);

    await admin.formPage('/staff/settings/dms?lang=en');
    const noFile = await admin.post('/staff/settings/dms/upload?lang=en', uploadForm({ kind: 'vehicles', mode: 'supplement' }));
    expect(noFile.status).toBe(422);
    const noFileHtml = await noFile.text();
    expect(visibleText(noFileHtml)).toContain('Choose the CSV file to import.');
    expect(noFileHtml).toMatch(/id="mode-supplement" name="mode" value="supplement" checked/);

    await admin.formPage('/staff/settings/dms?lang=en');
    const badKind = await admin.post('/staff/settings/dms/upload?lang=en', uploadForm({ kind: 'invoices', mode: 'full' }, { content: customersCsv }));
    expect(badKind.status).toBe(422);
    expect(visibleText(await badKind.text())).toContain('Choose whether the file holds customers or vehicles.');
    expect(await bytesUnder(uploadDir)).toBe(before);
    expect(await platform.db('import_runs').where({ company_id: companyId }).count({ n: '*' }).first()).toEqual(runsBefore);
    expect(await filesUnder(path.join(uploadDir, 'incoming'))).toEqual([]);

    await admin.formPage('/staff/settings/dms?lang=en');
    const good = await admin.post('/staff/settings/dms/upload', uploadForm({ kind: 'customers', mode: 'supplement', source_id: '' }, { content: customersCsv, name: 'klanten.csv' }));
    expect(good.status).toBe(303);
    const runId = Number(/\/staff\/settings\/dms\/runs\/(\d+)$/.exec(good.headers.get('location')!)![1]);
    const run = await platform.db('import_runs').where({ id: runId }).first();
    expect(run).toMatchObject({ company_id: companyId, kind: 'dms_customers', mode: 'supplement', status: 'previewing', file_name: 'klanten.csv' });
    expect(run.sha256).toBe(createHash('sha256').update(customersCsv).digest('hex'));
    expect((await platform.db('dms_sources').where({ id: run.dms_source_id }).first()).name).toBe('Default');
    expect(await readFile(dmsFilePath(uploadDir, runId), 'utf8')).toBe(customersCsv);
    expect(await filesUnder(path.join(uploadDir, 'incoming'))).toEqual([]);
    const handle = platform.temporal.workflow.getHandle(dmsImportWorkflowId(runId));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.terminate('test over');

    const reading = await admin.page(`/staff/settings/dms/runs/${runId}?lang=en`);
    expect(reading.status).toBe(200);
    expect(visibleText(reading.html)).toContain('Reading the file…');
    expect(reading.html).toContain(`hx-get="/staff/settings/dms/runs/${runId}" hx-trigger="every 1s"`);
    // htmx polling gets only the status part.
    const part = await admin.request(`/staff/settings/dms/runs/${runId}?lang=en`, { headers: { 'HX-Request': 'true' } });
    expect((await part.text()).trim()).toMatch(/^<div id="dms-run" data-status="previewing"/);
    const history = visibleText((await admin.page('/staff/settings/dms?lang=en')).html);
    expect(history).toMatch(/klanten\.csv Customers Supplement Default 0 0 0 0 0 — Reading the file/);
  });

  it('the preview shows the mapping, the rows as stored and the counts; a wrong mapping is refused with the choices kept; a run whose workflow is gone says so', async () => {
    const { companyId } = await createLocation(platform.db);
    const admin = await adminOf(companyId);
    const runId = await previewedRun(companyId);
    const page = await admin.formPage(`/staff/settings/dms/runs/${runId}?lang=en`);
    const text = visibleText(page.html);
    expect(text).toContain('Automatic (Klantnummer)');
    expect(text).toContain('Columns not imported: Mail');
    expect(page.html).toMatch(/<tr data-line="2"><td>2<\/td><td>K1<\/td><td>Peeters<\/td><td><\/td><\/tr>/);
    expect(page.html).toMatch(/<dd data-count="added">1<\/dd>/);
    expect(text).toContain('Updated 1 (Last name: 1)');
    expect(page.html).not.toContain('hx-trigger="every 1s"');

    const wrong = await admin.post(`/staff/settings/dms/runs/${runId}/remap?lang=en`, { encoding: 'ebcdic', separator: ';', decimal_mark: ',', date_order: 'dmy', 'header.email': 'column:Mail', 'header.last_name': 'column:Nope' });
    expect(wrong.status).toBe(422);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toMatch(/<option value="column:Mail" selected>Mail<\/option>/);
    expect(wrongHtml).toMatch(/<option value=";" selected>/);
    expect(wrongHtml).toMatch(/<option value="dmy" selected>/);
    expect(wrongHtml).toMatch(/id="header-last_name" name="header.last_name" aria-invalid="true"/);

    // No workflow waits for this run (the worker dropped it): Import, Preview again and Cancel say so.
    await admin.formPage(`/staff/settings/dms/runs/${runId}?lang=en`);
    const remap = await admin.post(`/staff/settings/dms/runs/${runId}/remap?lang=en`, { encoding: 'utf-8', separator: ';', decimal_mark: ',', date_order: 'auto', 'header.email': 'column:Mail' });
    expect(remap.status).toBe(409);
    const remapHtml = await remap.text();
    expect(visibleText(remapHtml)).toContain('This import is no longer waiting');
    expect(remapHtml).toMatch(/<option value="column:Mail" selected>Mail<\/option>/);
    for (const action of ['confirm', 'cancel']) {
      await admin.formPage(`/staff/settings/dms/runs/${runId}?lang=en`);
      const answer = await admin.post(`/staff/settings/dms/runs/${runId}/${action}?lang=en`);
      expect(answer.status, action).toBe(409);
    }

    // A file that cannot be imported as read: its message, the mapping form, Import disabled.
    const broken = await previewedRun(companyId);
    await platform.db('import_runs').where({ id: broken }).update({
      preview: JSON.stringify({ ...(await platform.db('import_runs').where({ id: runId }).first()).preview, fileError: { code: 'missingColumns', detail: 'no column for dms_id', columns: ['dms_id'] } }),
    });
    const brokenPage = await admin.page(`/staff/settings/dms/runs/${broken}?lang=en`);
    expect(visibleText(brokenPage.html)).toContain('Concerned: Number in the DMS.');
    expect(brokenPage.html).toMatch(/<button type="submit" disabled>Import<\/button>/);

    // Another company's run is no page of this one.
    const other = await createLocation(platform.db);
    const theirs = await previewedRun(other.companyId);
    expect((await admin.page(`/staff/settings/dms/runs/${theirs}`)).status).toBe(404);
  });

  it('a finished run shows its counts and failing lines and offers undo; a progress bar while importing', async () => {
    const { companyId } = await createLocation(platform.db);
    const admin = await adminOf(companyId);
    const runId = await previewedRun(companyId, { status: 'importing', total_rows: 10, rows_added: 3, rows_failed: 1 });
    const importing = await admin.page(`/staff/settings/dms/runs/${runId}?lang=en`);
    expect(importing.html).toMatch(/<progress id="dms-progress" max="10" value="4">/);
    expect(visibleText(importing.html)).toContain('4 of 10 rows');
    expect(visibleText(importing.html)).toContain('1 failing line so far.');

    const finished = new Date();
    const layout = { encoding: 'windows-1252', bom: false, separator: ';', lineBreak: '\r\n', headerRaw: 'Klantnummer;Naam;E-mail' };
    await platform.db('import_runs').where({ id: runId }).update({ status: 'done', rows_added: 8, rows_failed: 2, finished_at: finished, started_at: new Date(finished.getTime() - 12_000), layout: JSON.stringify(layout) });
    await platform.db('import_errors').insert([
      { run_id: runId, line: 7, column: null, reason: 'columnCount', detail: '', raw: 'K7;"Maes;\nJosé"' },
      { run_id: runId, line: 3, column: 'E-mail', reason: 'invalidEmail', detail: 'an@', raw: 'K3;Janßens;an@' },
      { run_id: runId, line: 3, column: 'Naam', reason: 'tooLong', detail: '', raw: 'K3;Janßens;an@' },
    ]);
    const done = await admin.formPage(`/staff/settings/dms/runs/${runId}?lang=en`);
    const text = visibleText(done.html);
    expect(text).toContain('12 s');
    expect(text).toMatch(/3 E-mail Not a valid e-mail address\. an@/);
    expect(done.html).toContain(`href="/staff/settings/dms/runs/${runId}/errors.csv"`);
    expect(text).toContain('Undo removes every record this import added');
    // The failing lines as the file had them: its encoding, separator and CRLF, a line with two errors once.
    const csv = await admin.request(`/staff/settings/dms/runs/${runId}/errors.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=windows-1252');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename=klanten-failing-lines.csv');
    expect(Buffer.from(await csv.arrayBuffer())).toEqual(iconv.encode('Klantnummer;Naam;E-mail\r\nK3;Janßens;an@\r\nK7;"Maes;\r\nJosé"\r\n', 'windows-1252'));
    const other = await adminOf((await createLocation(platform.db)).companyId);
    expect((await other.request(`/staff/settings/dms/runs/${runId}/errors.csv`)).status).toBe(404);
    const undo = await admin.post(`/staff/settings/dms/runs/${runId}/undo`);
    expect(undo.status).toBe(303);
    expect(undo.headers.get('location')).toBe(`/staff/settings/dms/runs/${runId}?notice=undoStarted`);
    await platform.temporal.workflow.getHandle(`dms-undo-${runId}`).terminate('test over');
  });

  it('the sample files download as CSV attachments', async () => {
    const { companyId } = await createLocation(platform.db);
    const admin = await adminOf(companyId);
    const page = await admin.page('/staff/settings/dms?lang=en');
    expect(page.html).toContain('href="/staff/settings/dms/sample-vehicles.csv"');
    for (const kind of ['customers', 'vehicles']) {
      const sample = await admin.request(`/staff/settings/dms/sample-${kind}.csv`);
      expect(sample.status, kind).toBe(200);
      expect(sample.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(sample.headers.get('content-disposition')).toBe(`attachment; filename=dms-${kind}-sample.csv`);
      const bytes = Buffer.from(await sample.arrayBuffer());
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      if (kind === 'customers') expect(bytes.toString('utf8')).toBe(dmsCustomerSampleCsv());
    }
  });

  it('DMS sources: add, a name taken (typed name kept), rename, and a source in use is not deleted', async () => {
    const { companyId } = await createLocation(platform.db);
    const admin = await adminOf(companyId);
    await admin.formPage('/staff/settings/dms?lang=en');
    expect((await admin.post('/staff/settings/dms/sources', { name: '  Autoline ' })).status).toBe(303);
    await admin.formPage('/staff/settings/dms?lang=en');
    const taken = await admin.post('/staff/settings/dms/sources?lang=en', { name: 'AUTOLINE' });
    expect(taken.status).toBe(422);
    const takenHtml = await taken.text();
    expect(visibleText(takenHtml)).toContain('There is a DMS source of that name already.');
    expect(takenHtml).toContain('value="AUTOLINE"');
    const [source] = await platform.db('dms_sources').where({ company_id: companyId });
    expect(source.name).toBe('Autoline');

    await admin.formPage('/staff/settings/dms?lang=en');
    expect((await admin.post(`/staff/settings/dms/sources/${source.id}`, { name: 'Autoline DMS' })).status).toBe(303);
    await admin.formPage('/staff/settings/dms?lang=en');
    const empty = await admin.post(`/staff/settings/dms/sources/${source.id}?lang=en`, { name: '   ' });
    expect(empty.status).toBe(422);
    expect(visibleText(await empty.text())).toContain('Enter a name.');

    const page = await admin.formPage('/staff/settings/dms?lang=en');
    expect(page.html).toMatch(new RegExp(`<option value="${source.id}">Autoline DMS</option>`));
    await createDmsRun(platform.db, { companyId, staffId: null, kind: 'vehicles', mode: 'full', sourceId: source.id, fileName: 'v.csv', size: 1, sha256: 'y', options: {} });
    const inUse = await admin.post(`/staff/settings/dms/sources/${source.id}/delete?lang=en`);
    expect(inUse.status).toBe(409);
    expect(visibleText(await inUse.text())).toContain('it cannot be deleted');

    await admin.formPage('/staff/settings/dms?lang=en');
    expect((await admin.post('/staff/settings/dms/sources', { name: 'Unused' })).status).toBe(303);
    const unused = await platform.db('dms_sources').where({ company_id: companyId, name: 'Unused' }).first();
    await admin.formPage('/staff/settings/dms?lang=en');
    expect((await admin.post(`/staff/settings/dms/sources/${unused.id}/delete`)).status).toBe(303);
    expect(await platform.db('dms_sources').where({ id: unused.id }).first()).toBeUndefined();
    // Another company's source is none of this page's.
    const other = await createLocation(platform.db);
    const theirs = await defaultDmsSource(platform.db, other.companyId);
    await admin.formPage('/staff/settings/dms?lang=en');
    expect((await admin.post(`/staff/settings/dms/sources/${theirs.id}/delete`)).status).toBe(404);
  });

  it('fuzzed posts to the upload, source, mapping and decision forms never get a 5xx', async () => {
    const { companyId } = await createLocation(platform.db);
    const admin = await adminOf(companyId);
    const runId = await previewedRun(companyId);
    const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', 'auto', 'none', 'column:Naam', 'column:', '\u0000', 'x'.repeat(3000), '-1', '2147483648', 'customers', 'full', 'tab'));
    const fields = fc.dictionary(fc.constantFrom('kind', 'mode', 'source_id', 'name', 'encoding', 'separator', 'decimal_mark', 'date_order', 'header.dms_id', 'header.email', 'other'), fc.oneof(text, fc.array(text, { minLength: 2, maxLength: 3 })), { maxKeys: 6 });
    const url = fc.constantFrom('/staff/settings/dms/sources', '/staff/settings/dms/sources/1', `/staff/settings/dms/runs/${runId}/remap`, `/staff/settings/dms/runs/${runId}/cancel`, `/staff/settings/dms/runs/${runId}/undo`, '/staff/settings/dms/runs/999999/remap');
    await admin.formPage('/staff/settings/dms?lang=en');
    await fc.assert(
      fc.asyncProperty(url, fields, async (target, form) => {
        const answer = await admin.post(target, form as Record<string, string | string[]>);
        expect(answer.status, `${target} ${JSON.stringify(form).slice(0, 300)}`).toBeLessThan(500);
        await answer.text();
      }),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(fields, fc.option(fc.uint8Array({ maxLength: 2000 }), { nil: undefined }), async (form, bytes) => {
        const body = uploadForm(Object.fromEntries(Object.entries(form).map(([k, v]) => [k, [v].flat()[0]!.replace(/\u0000/g, '')])), bytes ? { content: Buffer.from(bytes) } : undefined);
        const answer = await admin.post('/staff/settings/dms/upload', body);
        expect(answer.status).toBeLessThan(500);
        await answer.text();
        if (answer.status === 303) {
          const id = Number(answer.headers.get('location')!.split('/').pop());
          await platform.temporal.workflow.getHandle(dmsImportWorkflowId(id)).terminate('test over').catch(() => undefined);
        }
      }),
      { numRuns: 25 },
    );
    expect(await filesUnder(path.join(uploadDir, 'incoming'))).toEqual([]);
  });
});

/** P9 "in a job": the car icon works without JavaScript: the form posts to the look-up and comes back with the panel. */
describe('job form vehicle look-up without JavaScript (HTTP)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  it('new job and job edit: the form comes back as typed with the master vehicle; Fill in fills blanks only; nothing is saved', async () => {
    const { companyId, location } = await createLocation(platform.db);
    const source = await defaultDmsSource(platform.db, companyId);
    const [owner] = await platform.db('customers').insert({ company_id: companyId, first_name: 'An', last_name: 'Peeters', email: 'an.peeters@example.test' }).returning('id');
    const [car] = await platform.db('vehicles').insert({ company_id: companyId, customer_id: owner.id, plate: '1-LKP-001', plate_normalized: '1LKP001', make: 'Skoda', model: 'Octavia' }).returning('id');
    await platform.db('customer_dms_ids').insert({ source_id: source.id, dms_id: 'K1', customer_id: owner.id });
    await platform.db('vehicle_dms_ids').insert({ source_id: source.id, dms_id: 'V1', vehicle_id: car.id });
    const advisor = httpClient(platform.baseUrl);
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    await advisor.login(email, password);
    const form = await advisor.formPage('/staff/jobs/new?lang=en');
    expect(form.html).toMatch(/<button type="submit" class="icon" name="lookup" value="plate" formaction="\/staff\/jobs\/lookup" formnovalidate aria-label="Look up vehicle" title="Look up vehicle"/);
    const typed = { location_id: String(location.id), first_name: '', last_name: 'Typed', email: '', phone: '', language: 'en', plate: '1lkp001', vin: '', make: '', model: 'Fabia', damage_flow_type_id: '', notes: 'Keep me', appointment_at: '', planned_end_at: '' };
    const looked = await advisor.post('/staff/jobs/lookup?lang=en', { ...typed, lookup: 'plate' });
    expect(looked.status).toBe(200);
    const html = await looked.text();
    expect(visibleText(html)).toContain('Model: typed Fabia, the master says Octavia');
    expect(visibleText(html)).toContain('Last name: typed Typed, the master says Peeters');
    expect(html).toContain('>Keep me</textarea>');
    const filled = await advisor.post('/staff/jobs/lookup?lang=en', { ...typed, lookup_key: 'plate', lookup_vehicle: /name="lookup_vehicle" value="(\d+)"/.exec(html)![1]!, apply: 'fill' });
    const filledHtml = await filled.text();
    expect(filledHtml).toContain('value="Skoda"');
    expect(filledHtml).toContain('value="Fabia"');
    expect(filledHtml).toContain('value="an.peeters@example.test"');
    expect(await platform.db('jobs').where({ company_id: companyId }).first()).toBeUndefined();

    const job = await createJob(platform.db, location);
    await advisor.formPage(`/staff/jobs/${job.job_number}/edit?lang=en`);
    const edit = await advisor.post(`/staff/jobs/${job.job_number}/lookup?lang=en`, { ...typed, vin: 'WVWZZZ1JZ3W386752', lookup: 'vin' });
    expect(edit.status).toBe(200);
    expect(visibleText(await edit.text())).toContain('Not in the vehicle master');
    const mechanic = httpClient(platform.baseUrl);
    const m = await createStaff(platform.db, companyId, 'mechanic');
    await mechanic.login(m.email, m.password);
    expect((await mechanic.post('/staff/jobs/lookup', { ...typed, lookup: 'plate' })).status).toBe(403);
  });
});
