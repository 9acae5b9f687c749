import { readFile, stat } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelDmsImport, confirmDmsImport, remapDmsImport, undoDmsImport } from '../clients/dmsImport';
import { failingLineTexts } from '../db/imports';
import { addDmsSource, findDmsSource } from '../db/dmsSources';
import { lookupVehicle } from '../db/vehicles';
import { errorCsv } from '../lib/csv/errorFile';
import { dmsFilePath } from '../lib/uploadFiles';
import { dmsUndoWorkflowId } from '../workflows/dmsImport.contract';
import { customersCsv, runReaching, uploadDmsFile } from './support/dms';
import { createLocation } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

/**
 * P9/D5: the DMS datastore import through its workflow on the real Temporal
 * dev server, into the one customer file and vehicle master in PostgreSQL:
 * preview (nothing written), Import, supplement vs full, a fixed mapping,
 * cancel, the file of failing lines, a worker stopped mid-file, undo.
 */
describe('P9: DMS datastore import (real Temporal and PostgreSQL)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ DMS_BATCH_ROWS: '50' });
  });
  afterAll(() => platform?.close());

  const deps = () => ({ temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE });
  async function world() {
    const { companyId } = await createLocation(platform.db);
    const sourceId = await addDmsSource(platform.db, companyId, 'Garage Claes');
    const source = (await findDmsSource(platform.db, companyId, sourceId))!;
    const customers = () => platform.db('customers').where({ company_id: companyId, is_cash_sale: false }).orderBy('id');
    return { companyId, source, customers };
  }

  it('previews without writing, imports on Import; supplement adds only what is unknown, full updates what changed', async () => {
    const { companyId, source, customers } = await world();
    const first = await uploadDmsFile(platform, { companyId, source, kind: 'customers', mode: 'supplement', content: customersCsv('SUP', 4, { bad: [3] }) });
    const previewed = await runReaching(platform, companyId, first, ['previewed']);
    expect(previewed.preview).toMatchObject({
      counts: { rows: 4, added: 3, updated: 0, unchanged: 0, failed: 1 },
      fileError: null,
      errors: [{ line: 4, column: 'E-mail', reason: 'invalidEmail' }],
    });
    expect(previewed.preview!.fields.find((f) => f.name === 'dms_id')).toEqual({ name: 'dms_id', required: true, header: 'Klantnummer' });
    expect(previewed.preview!.sample[0]).toMatchObject({ line: 2, values: { dms_id: 'SUP-1', email: 'sup-1@example.test', phone_normalized: '+32470100001' } });
    // The preview wrote nothing.
    expect(await customers()).toHaveLength(0);

    expect(await confirmDmsImport(deps(), first)).toEqual({ ok: true });
    const done = await runReaching(platform, companyId, first, ['done']);
    expect(done).toMatchObject({ rows_added: 3, rows_failed: 1, rows_updated: 0, total_rows: 4 });
    expect((await customers()).map((c) => c.email)).toEqual(['sup-1@example.test', 'sup-2@example.test', 'sup-4@example.test']);
    expect(await platform.db('customer_dms_ids').where({ source_id: source.id }).orderBy('dms_id').pluck('dms_id')).toEqual(['SUP-1', 'SUP-2', 'SUP-4']);
    // The uploaded file is gone once imported.
    await expect(stat(dmsFilePath(platform.config.UPLOAD_DIR, first))).rejects.toThrow();

    // The same people moved to Brugge, and one more: supplement adds the new one only; full updates the city.
    const moved = customersCsv('SUP', 5, { city: 'Brugge' });
    const supplement = await uploadDmsFile(platform, { companyId, source, kind: 'customers', mode: 'supplement', content: moved });
    expect((await runReaching(platform, companyId, supplement, ['previewed'])).preview!.counts).toEqual({ rows: 5, added: 2, updated: 0, unchanged: 3, failed: 0 });
    expect(await confirmDmsImport(deps(), supplement)).toEqual({ ok: true });
    await runReaching(platform, companyId, supplement, ['done']);
    expect(new Set((await customers()).map((c) => c.city))).toEqual(new Set(['Gent', 'Brugge']));

    const full = await uploadDmsFile(platform, { companyId, source, kind: 'customers', mode: 'full', content: moved });
    const fullPreview = (await runReaching(platform, companyId, full, ['previewed'])).preview!;
    expect(fullPreview.counts).toEqual({ rows: 5, added: 0, updated: 3, unchanged: 2, failed: 0 });
    expect(fullPreview.updatedFields).toEqual({ city: 3 });
    expect(await confirmDmsImport(deps(), full)).toEqual({ ok: true });
    expect(await runReaching(platform, companyId, full, ['done'])).toMatchObject({ rows_added: 0, rows_updated: 3, rows_unchanged: 2 });
    expect((await customers()).map((c) => c.city)).toEqual(['Brugge', 'Brugge', 'Brugge', 'Brugge', 'Brugge']);

    // Undo the full import: the three cities go back; undo twice is one undo.
    expect(await undoDmsImport(deps(), full, null)).toBe('started');
    await platform.temporal.workflow.getHandle(dmsUndoWorkflowId(full)).result();
    expect(await undoDmsImport(deps(), full, null)).toBe('running');
    expect(await runReaching(platform, companyId, full, ['undone'])).toMatchObject({ undo_counts: { removed: 0, restored: 3, kept: 0 } });
    expect((await customers()).map((c) => c.city).sort()).toEqual(['Brugge', 'Brugge', 'Gent', 'Gent', 'Gent']);
  });

  it('a column the aliases do not know: the preview asks, the admin maps it, the source remembers; Cancel writes nothing', async () => {
    const { companyId, source, customers } = await world();
    const csv = 'Code,Achternaam,Mail\r\nX-1,Janssens,x1@example.test\r\nX-2,"Peeters, Jan",x2@example.test\r\n';
    const runId = await uploadDmsFile(platform, { companyId, source, kind: 'customers', mode: 'supplement', content: csv });
    const unmapped = await runReaching(platform, companyId, runId, ['previewed']);
    expect(unmapped.preview).toMatchObject({ fileError: { code: 'missingColumns', columns: ['dms_id'] }, headers: ['Code', 'Achternaam', 'Mail'] });
    expect(await confirmDmsImport(deps(), runId)).toEqual({ ok: false, refusal: 'fileUnreadable' });

    expect(await remapDmsImport(deps(), runId, { headers: { dms_id: 'Code' } })).toEqual({ ok: true });
    const mapped = await runReaching(platform, companyId, runId, ['previewed']);
    expect(mapped.preview).toMatchObject({ fileError: null, counts: { added: 2 }, read: { separator: ',' } });
    expect(await confirmDmsImport(deps(), runId)).toEqual({ ok: true });
    await runReaching(platform, companyId, runId, ['done']);
    expect((await customers()).map((c) => c.last_name)).toEqual(['Janssens', 'Peeters, Jan']);
    expect((await findDmsSource(platform.db, companyId, source.id))!.mappings).toEqual({ customers: { dms_id: 'Code' } });

    // The next file of that DMS maps itself; Cancel on its preview leaves nothing, and its file goes.
    const next = await uploadDmsFile(platform, { companyId, source: (await findDmsSource(platform.db, companyId, source.id))!, kind: 'customers', mode: 'full', content: `${csv}X-3,Maes,x3@example.test\r\n` });
    expect((await runReaching(platform, companyId, next, ['previewed'])).preview).toMatchObject({ fileError: null, counts: { added: 1, unchanged: 2 } });
    expect(await cancelDmsImport(deps(), next)).toEqual({ ok: true });
    expect((await runReaching(platform, companyId, next, ['cancelled'])).status).toBe('cancelled');
    expect(await customers()).toHaveLength(2);
    await expect(stat(dmsFilePath(platform.config.UPLOAD_DIR, next))).rejects.toThrow();
    expect(await confirmDmsImport(deps(), next)).toEqual({ ok: false, refusal: 'gone' });
  });

  it('vehicles link to their DMS customers; failing lines come back as a file in the upload\'s own encoding and separator; look-up finds them', async () => {
    const { companyId, source } = await world();
    const customersRun = await uploadDmsFile(platform, { companyId, source, kind: 'customers', mode: 'supplement', content: customersCsv('OWN', 2) });
    await runReaching(platform, companyId, customersRun, ['previewed']);
    expect(await confirmDmsImport(deps(), customersRun)).toEqual({ ok: true });
    await runReaching(platform, companyId, customersRun, ['done']);

    // Windows-1252, with a model "Citroën" and a failing VIN and an unknown owner.
    const csv = [
      'Voertuignummer;Kenteken;Chassisnummer;Merk;Model;Eerste inschrijving;Kilometerstand;Klantnummer',
      'V1;1-ABC-123;WVWZZZ1KZAW000123;Volkswagen;Golf;21/03/2019;45.210,5;OWN-1',
      'V2;2-XYZ-987;1M8GDM9AXKP042788;Citroën;"C3; Shine";15.06.2020;12000;OWN-2',
      'V3;3-QQQ-333;1M8GDM9A1KP042788;Ford;F;2021-01-01;0;OWN-1',
      'V4;4-NOO-444;;Opel;Corsa;;;NOBODY',
    ].join('\r\n') + '\r\n';
    const runId = await uploadDmsFile(platform, { companyId, source, kind: 'vehicles', mode: 'supplement', content: csv, encoding: 'windows-1252' });
    const previewed = await runReaching(platform, companyId, runId, ['previewed']);
    expect(previewed.preview!.counts).toEqual({ rows: 4, added: 2, updated: 0, unchanged: 0, failed: 2 });
    expect(previewed.preview!.read).toMatchObject({ encoding: 'windows-1252', separator: ';' });
    expect(await confirmDmsImport(deps(), runId)).toEqual({ ok: true });
    const done = await runReaching(platform, companyId, runId, ['done']);
    const errors = await platform.db('import_errors').where({ run_id: runId }).orderBy('line').select('line', 'column', 'reason');
    expect(errors).toEqual([
      { line: 4, column: 'Chassisnummer', reason: 'vinCheckDigit' },
      { line: 5, column: 'Klantnummer', reason: 'unknownCustomer' },
    ]);

    const chunks: Buffer[] = [];
    for await (const chunk of errorCsv(done.layout!, failingLineTexts(platform.db, runId))) chunks.push(chunk);
    const original = iconv.encode(csv, 'windows-1252');
    const lines = original.toString('latin1').split('\r\n');
    expect(Buffer.concat(chunks).toString('latin1')).toBe([lines[0], lines[3], lines[4]].join('\r\n') + '\r\n');

    const found = await lookupVehicle(platform.db, companyId, { plate: '2xyz987' });
    expect(found).toMatchObject({
      vehicle: { make: 'Citroën', model: 'C3; Shine', vin: '1M8GDM9AXKP042788', first_registration: '2020-06-15', mileage_km: 12000, source_name: 'Garage Claes', dms_id: 'V2' },
      customer: { email: 'own-2@example.test' },
    });
  });

  it('a worker stopped in the middle of a file: the import resumes after the last committed batch, no duplicates', async () => {
    const { companyId, source, customers } = await world();
    const rows = 1500;
    const runId = await uploadDmsFile(platform, { companyId, source, kind: 'customers', mode: 'supplement', content: customersCsv('KIL', rows) });
    await runReaching(platform, companyId, runId, ['previewed']);
    expect(await confirmDmsImport(deps(), runId)).toEqual({ ok: true });
    await waitUntil('a few committed batches', async () => {
      const run = await platform.db('import_runs').where({ id: runId }).first('committed_line');
      return run.committed_line > 100;
    }, 60_000);
    await platform.stopWorker();
    const stopped = await platform.db('import_runs').where({ id: runId }).first('status', 'committed_line');
    expect(stopped.status).toBe('importing');
    await platform.startWorker();
    const done = await runReaching(platform, companyId, runId, ['done'], 120_000);
    expect(done).toMatchObject({ rows_added: rows, rows_failed: 0, rows_unchanged: 0 });
    const all = await customers();
    expect(all).toHaveLength(rows);
    expect(new Set(all.map((c) => c.email)).size).toBe(rows);
    expect(await platform.db('customer_dms_ids').where({ source_id: source.id }).count({ n: '*' }).first()).toEqual({ n: rows });
  });

  it('Import pressed while the preview is still being read waits for it, then imports', async () => {
    const { companyId, source, customers } = await world();
    const runId = await uploadDmsFile(platform, { companyId, source, kind: 'customers', mode: 'supplement', content: customersCsv('EAR', 400) });
    expect((await platform.db('import_runs').where({ id: runId }).first('status')).status).toBe('previewing');
    expect(await confirmDmsImport(deps(), runId)).toEqual({ ok: true });
    expect(await runReaching(platform, companyId, runId, ['done'])).toMatchObject({ rows_added: 400 });
    expect(await customers()).toHaveLength(400);
    // Decided: a second Import, or a Cancel, is refused.
    expect(await cancelDmsImport(deps(), runId)).toEqual({ ok: false, refusal: 'gone' });
  });

  it('undo removes what the import added unless it is used since', async () => {
    const { companyId, source, customers } = await world();
    const runId = await uploadDmsFile(platform, { companyId, source, kind: 'customers', mode: 'supplement', content: customersCsv('UND', 3) });
    await runReaching(platform, companyId, runId, ['previewed']);
    expect(await confirmDmsImport(deps(), runId)).toEqual({ ok: true });
    await runReaching(platform, companyId, runId, ['done']);
    const [used] = await customers();
    // One of them got a vehicle meanwhile: it stays.
    await platform.db('vehicles').insert({ company_id: companyId, customer_id: used.id, plate: 'U-1', plate_normalized: 'U1' });
    await undoDmsImport(deps(), runId, null);
    expect(await runReaching(platform, companyId, runId, ['undone'])).toMatchObject({ undo_counts: { removed: 2, restored: 0, kept: 1 } });
    expect((await customers()).map((c) => c.id)).toEqual([used.id]);
    // Its DMS id went with the undo.
    expect(await platform.db('customer_dms_ids').where({ source_id: source.id })).toEqual([]);
  });

  it('a file that is no CSV at all: the preview says why, and nothing can be imported', async () => {
    const { companyId, source } = await world();
    const runId = await uploadDmsFile(platform, { companyId, source, kind: 'vehicles', mode: 'full', content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0x14, 0]) });
    const previewed = await runReaching(platform, companyId, runId, ['previewed']);
    expect(previewed.preview).toMatchObject({ fileError: { code: 'binary' }, headers: [] });
    expect(await confirmDmsImport(deps(), runId)).toEqual({ ok: false, refusal: 'fileUnreadable' });
    expect(await readFile(dmsFilePath(platform.config.UPLOAD_DIR, runId))).toHaveLength(10);
    await cancelDmsImport(deps(), runId);
  });
});
