/**
 * bench/dms.ts's import, in a process of its own so its peak memory is the
 * import's: the DMS import activities (activities/dmsImport.ts) over a run
 * the parent prepared, as a worker runs them: the preview, then *Import*.
 * Prints one JSON line.
 *   tsx bench/dmsImportRun.ts <database url> <upload dir> <run id> <batch rows>
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDmsImportActivities } from '../activities/dmsImport';
import { createDb } from '../db/knex';

const [url, uploadDir, runId, batchRows] = process.argv.slice(2);
const db = createDb(url!, 4);
try {
  const activities = createDmsImportActivities({ db, dms: { uploadDir: uploadDir!, batchRows: Number(batchRows), maxRecordBytes: 1024 * 1024 } });
  const env = new MockActivityEnvironment();
  const previewStarted = performance.now();
  await env.run(activities.previewDmsFile, { runId: Number(runId) });
  const previewMs = performance.now() - previewStarted;
  await env.run(activities.beginDmsImport, { runId: Number(runId) });
  const started = performance.now();
  const counts = await env.run(activities.importDmsFile, { runId: Number(runId) });
  const ms = performance.now() - started;
  console.log(JSON.stringify({ ms, previewMs, counts, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
} finally {
  await db.destroy();
}
