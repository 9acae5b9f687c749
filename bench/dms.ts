/**
 * bench/dms: the DMS datastore import's speed and memory (P9/D5), printed,
 * never asserted.
 *  - rows per second for 100,000 and 1,000,000 vehicles, supplement into an
 *    empty master (every row added) and full over it (every row updated),
 *    the preview and the import activities run as the worker runs them, in
 *    a process of their own (bench/dmsImportRun.ts) so its peak RSS is
 *    theirs; the import's time is *Import* to done (the preview read the
 *    file through and stored its layout, as it does for the admin);
 *  - the same file loaded by a bare COPY into an empty table of the same
 *    PostgreSQL in the same run, and the ratio of the two.
 * Targets on a 2-core machine: 100,000 rows in under 3 s, at least 0.5× bare
 * COPY, peak RSS under 300 MB at 1,000,000 rows.
 *   npm run bench:dms [-- --sizes 100000,1000000 --runs 3 --batch 5000]
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import pg from 'pg';
import '../test/setup'; // quiet Temporal runtime logs
import { addDmsSource } from '../db/dmsSources';
import { dmsFilePath } from '../lib/uploadFiles';
import { createLocation } from '../test/support/fixtures';
import { startPlatformOn } from '../test/support/harness';
import { startInfrastructure } from '../test/support/infrastructure';
import { report, type Figure } from './report';
import { percentile } from './webProcess';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    runs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '5000' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const runs = Number(args.runs);
const batchRows = Number(args.batch);
const median = (values: number[]) => percentile(values, 50);

const vinChars = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
/** A European VIN (no check digit) and a plate, both unique per i. */
function vehicle(i: number): [string, string] {
  let n = i;
  let tail = '';
  for (let k = 0; k < 8; k++) {
    tail = vinChars[n % vinChars.length] + tail;
    n = Math.floor(n / vinChars.length);
  }
  return [`WVWZZZ1K${'Z'}${tail}`, `B-${String(i).padStart(7, '0')}`];
}

/** A vehicles CSV as a DMS writes it: semicolons, CRLF, day-first dates, decimal commas. */
async function writeVehicles(file: string, rows: number, mileageBase: number): Promise<number> {
  const out = createWriteStream(file);
  out.write('Voertuignummer;Kenteken;Chassisnummer;Merk;Model;Eerste inschrijving;Kilometerstand\r\n');
  for (let i = 1; i <= rows; i++) {
    const [vin, plate] = vehicle(i);
    const line = `V${i};${plate};${vin};Volkswagen;Golf Variant;${String((i % 28) + 1).padStart(2, '0')}/0${(i % 9) + 1}/2019;${mileageBase + (i % 100000)},5\r\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return (await stat(file)).size;
}

const infrastructure = await startInfrastructure();
const platform = await startPlatformOn(infrastructure);
// The same account (it may create databases); server-side COPY FROM a file needs it (or pg_read_server_files).
const admin = new pg.Client({ connectionString: platform.config.DATABASE_URL });
try {
  await admin.connect();
  const folder = path.join(infrastructure.tmpDir, 'dms-bench');
  await mkdir(folder, { recursive: true });
  await chmod(folder, 0o755); // the PostgreSQL server reads the bare COPY's file itself
  const results: string[] = [];
  const summary: Figure[] = [];
  for (const rows of sizes) {
    const supplementFile = path.join(folder, `vehicles-${rows}.csv`);
    const fullFile = path.join(folder, `vehicles-${rows}-changed.csv`);
    const bytes = await writeVehicles(supplementFile, rows, 40000);
    await writeVehicles(fullFile, rows, 50000);
    await chmod(supplementFile, 0o644);

    const copyMs: number[] = [];
    const figures: Record<'supplement' | 'full', { ms: number[]; preview: number[]; rss: number[] }> = { supplement: { ms: [], preview: [], rss: [] }, full: { ms: [], preview: [], rss: [] } };
    for (let run = 0; run < runs; run++) {
      await admin.query('drop table if exists bare_vehicles');
      await admin.query('create table bare_vehicles (dms_id text, plate text, vin text, make text, model text, first_registration text, mileage text)');
      const started = performance.now();
      await admin.query(`copy bare_vehicles from '${supplementFile}' with (format csv, header true, delimiter ';')`);
      copyMs.push(performance.now() - started);

      // A company of its own per run: supplement fills its empty master, full then updates every vehicle.
      const { companyId } = await createLocation(platform.db);
      const sourceId = await addDmsSource(platform.db, companyId, `Bench ${run}`);
      for (const [mode, file] of [['supplement', supplementFile], ['full', fullFile]] as const) {
        const [{ id: runId }] = await platform.db('import_runs')
          .insert({ company_id: companyId, kind: 'dms_vehicles', mode, dms_source_id: sourceId, workflow_run: `bench/${companyId}/${mode}`, status: 'previewing', options: JSON.stringify({}) })
          .returning('id');
        const target = dmsFilePath(platform.config.UPLOAD_DIR, runId);
        await mkdir(path.dirname(target), { recursive: true });
        execFileSync('cp', [file, target]);
        const output = execFileSync(process.execPath, [...(process.env.DMS_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.DMS_BENCH_PROFILE}`] : []), '--import', 'tsx', path.join(import.meta.dirname, 'dmsImportRun.ts'), platform.config.DATABASE_URL, platform.config.UPLOAD_DIR, String(runId), String(batchRows)], {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        });
        const result = JSON.parse(output.trim().split('\n').at(-1)!) as { ms: number; previewMs: number; peakRssMb: number; counts: { added: number; updated: number; failed: number } };
        const expected = mode === 'supplement' ? result.counts.added : result.counts.updated;
        if (expected !== rows || result.counts.failed !== 0) throw new Error(`${mode} ${rows}: ${JSON.stringify(result.counts)}`);
        figures[mode].ms.push(result.ms);
        figures[mode].preview.push(result.previewMs);
        figures[mode].rss.push(result.peakRssMb);
      }
      await admin.query('drop table bare_vehicles');
    }
    const copy = median(copyMs);
    for (const mode of ['supplement', 'full'] as const) {
      const ms = median(figures[mode].ms);
      const peak = Math.max(...figures[mode].rss);
      summary.push(
        { figure: `${rows.toLocaleString('en')} vehicles, ${mode}`, value: ms / 1000, unit: 's', ratio: copy / ms, baseline: 'bare COPY', target: rows === 100_000 ? '< 3 s, >= 0.5x COPY' : '>= 0.5x COPY', met: copy / ms >= 0.5 && (rows !== 100_000 || ms < 3000) },
        { figure: `${rows.toLocaleString('en')} vehicles, ${mode}: peak RSS`, value: peak, unit: 'MB', ...(rows === 1_000_000 ? { target: '< 300 MB', met: peak < 300 } : {}) },
      );
      results.push(
        `| ${rows.toLocaleString('en')} | ${mode} | ${(median(figures[mode].preview) / 1000).toFixed(2)} s | ${(ms / 1000).toFixed(2)} s | ${Math.round(rows / (ms / 1000)).toLocaleString('en')} | ${(copy / 1000).toFixed(2)} s | ${Math.round(rows / (copy / 1000)).toLocaleString('en')} | ${(copy / ms).toFixed(2)} | ${Math.round(Math.max(...figures[mode].rss))} MB |`,
      );
    }
    console.log(`${rows} rows (${(bytes / 1e6).toFixed(1)} MB): done`);
    await rm(supplementFile, { force: true });
    await rm(fullFile, { force: true });
  }
  console.log(`\nDMS import of vehicles, median of ${runs} runs, batches of ${batchRows} rows (this machine, ${new Date().toISOString().slice(0, 10)})`);
  console.log('| rows | mode | preview | import | rows/s | bare COPY | COPY rows/s | ratio to COPY | peak RSS (preview + import) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const line of results) console.log(line);
  report('DMS import (P9/D5)', summary);
} finally {
  await admin.end().catch(() => undefined);
  await platform.close();
  await infrastructure.stop();
}
