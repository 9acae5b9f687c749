/**
 * bench/dms.ts's import, in a process of its own so its peak memory is the
 * import's: the DMS import activity (activities/dmsImport.ts importDmsFile)
 * over a run the parent prepared, as a worker runs it. Prints one JSON line.
 *   tsx bench/dmsImportRun.ts <database url> <upload dir> <run id> <batch rows>
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDmsImportActivities } from '../activities/dmsImport';
import { createDb } from '../db/knex';

const [url, uploadDir, runId, batchRows] = process.argv.slice(2);
const db = createDb(url!, 4);
try {
  const activities = createDmsImportActivities({ db, dms: { uploadDir: uploadDir!, batchRows: Number(batchRows), maxRecordBytes: 1024 * 1024 } });
  const started = performance.now();
  const counts = await new MockActivityEnvironment().run(activities.importDmsFile, { runId: Number(runId) });
  const ms = performance.now() - started;
  console.log(JSON.stringify({ ms, counts, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
} finally {
  await db.destroy();
}
