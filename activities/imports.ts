import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { appointmentCancelled, appointmentRescheduled, startCheckinWorkflow } from '../clients/checkinWorkflow';
import { importAppointments, plannerSource, type ImportedAppointment, type ImportOutcome } from '../db/appointmentImport';
import {
  claimImportFile,
  enabledImportSources,
  finishImportRun,
  findImportRun,
  findImportSource,
  ImportSuperseded,
  knownImportFile,
  recordSourceFailure,
  setRunTotal,
  unfinishedImportRuns,
  writeImportBatch,
  type ImportRun,
  type ImportSource,
  type RunTrigger,
} from '../db/imports';
import { appointmentFields, appointmentRowSchema } from '../lib/csv/appointments';
import { CsvFileError, type RowError, type RowReason } from '../lib/csv/errors';
import { csvBatches, inspectCsv, type CsvOptions } from '../lib/csv/read';
import { completeFiles, openFileSource, SourceError, type FileSource, type RemoteFile } from '../lib/fileSources';
import { connectionSettings, importSealer } from '../lib/fileSources/settings';
import { sha256OfFile } from '../lib/files';
import { fieldHeaders } from '../lib/csv/headers';
import { separatorOfSetting } from '../lib/csv/separator';

export interface ImportSettings {
  importDir: string;
  /** IMPORT_SECRET_KEY: opens the sources' passwords and keys */
  secretKey: string;
  stableWaitMs: number;
  batchRows: number;
  maxRecordBytes: number;
  /** P9: rows per DMS datastore batch (activities/dmsImport.ts) */
  dmsBatchRows: number;
  connectTimeoutMs: number;
}

export interface ImportDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  imports: ImportSettings;
}

/** What a run did, for the workflow's result (the report itself is in the database). */
export interface FileImportSummary {
  runId: number;
  status: ImportRun['status'];
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

/**
 * An attempt that was given up on (its workflow terminated, its heartbeat late) is still at the file: this one
 * rolled back and retries from the database's cursor once the other has stopped.
 */
export function retryableIfSuperseded(error: unknown): never {
  if (error instanceof ImportSuperseded) throw ApplicationFailure.retryable(error.message, 'ImportSuperseded');
  throw error;
}

/** Where a taken file waits while it is imported: IMPORT_DIR/.work (no company's folder is called that). */
const workFolder = (importDir: string) => path.join(importDir, '.work');
const workFile = (importDir: string, runId: number) => path.join(workFolder(importDir), `run-${runId}.csv`);

/** Heartbeats while waiting, so a long stability wait is not taken for a dead worker; ends early on cancellation. */
async function waitHeartbeating(ms: number, details: unknown): Promise<void> {
  const context = Context.current();
  for (let left = ms; left > 0; left -= 2000) {
    context.heartbeat(details);
    await context.sleep(Math.min(left, 2000));
  }
}

const csvOptions = (source: ImportSource, maxRecordBytes: number): CsvOptions => ({
  encoding: source.encoding,
  separator: separatorOfSetting(source.separator),
  dateOrder: source.date_order,
  maxRecordBytes,
});

/** The writer's reasons as the report's (imports.reasons.*), and the column concerned. */
function outcomeError(line: number, outcome: ImportOutcome, headers: { location?: string; date?: string; end?: string }): RowError {
  switch (outcome.reason) {
    case 'unknownLocation':
    case 'locationRequired':
      return { line, column: headers.location ?? null, reason: 'unknownLocation', detail: outcome.detail };
    case 'invalidStart':
      return { line, column: headers.date ?? null, reason: 'invalidDate', detail: outcome.detail };
    case 'invalidEnd':
      return { line, column: headers.end ?? null, reason: 'invalidTime', detail: outcome.detail };
    default:
      return { line, column: null, reason: 'refused' as RowReason, detail: outcome.detail ?? outcome.reason };
  }
}

/**
 * D5: the side effects of the appointment file import
 * (workflows/appointmentImport.ts): which sources to read, taking their
 * complete files, and importing a file batch by batch through the shared
 * writer (db/appointmentImport.ts).
 */
export function createImportActivities({ db, temporal, taskQueue, imports }: ImportDeps) {
  const sealer = importSealer(imports.secretKey);
  const settingsOf = (source: ImportSource) => connectionSettings(source, { sealer, importDir: imports.importDir, timeoutMs: imports.connectTimeoutMs });

  /** Tells each appointment's D2 check-in workflow what happened (after the batch committed). */
  async function tellCheckins(outcomes: ImportOutcome[]): Promise<void> {
    const deps = { temporal, taskQueue };
    for (const { appointmentId, checkin } of outcomes) {
      if (appointmentId === undefined || !checkin) continue;
      if (checkin === 'start') await startCheckinWorkflow(deps, appointmentId);
      else if (checkin === 'rescheduled') await appointmentRescheduled(deps, appointmentId);
      else await appointmentCancelled(deps, appointmentId);
    }
  }

  /** Downloads `file` into the work folder, hashing it; answers the local path and the hash. */
  async function download(remote: FileSource, file: RemoteFile): Promise<{ local: string; sha256: string }> {
    await mkdir(workFolder(imports.importDir), { recursive: true });
    const local = path.join(workFolder(imports.importDir), `${randomUUID()}.part`);
    // A large file on a slow line: the heartbeats say this worker is still at it.
    const context = Context.current();
    const beating = setInterval(() => context.heartbeat({ stage: 'download', file: file.name }), 5000);
    try {
      await remote.download(file.name, local);
      return { local, sha256: await sha256OfFile(local) };
    } catch (error) {
      await rm(local, { force: true });
      throw error;
    } finally {
      clearInterval(beating);
    }
  }

  return {
    /** The enabled sources the hourly schedule imports from. */
    async importSourcesDue(): Promise<number[]> {
      return (await enabledImportSources(db)).map((source) => source.id);
    },

    /**
     * Lists the source, waits until its new files are complete (the same
     * size a few seconds later, or their .done marker), downloads each to
     * the work folder and takes it (db/imports.ts claimImportFile: never a
     * file twice, by its hash). Answers the runs to import. A source that
     * cannot be read is retried, then reported as a failed run.
     */
    async takeCompleteFiles({ sourceId, trigger }: { sourceId: number; trigger: RunTrigger }): Promise<number[]> {
      const context = Context.current();
      const execution = context.info.workflowExecution;
      const workflowRun = execution ? `${execution.workflowId}/${execution.runId}` : `activity/${context.info.activityId}`;
      const source = await findImportSource(db, sourceId);
      if (!source || (!source.enabled && trigger === 'schedule')) return [];
      const runOf = { companyId: source.company_id, sourceId, workflowRun, trigger };
      // Files taken but not finished (by an earlier attempt, or a run that was terminated): resumed first, after their cursor.
      const unfinished = await unfinishedImportRuns(db, sourceId);
      let remote: FileSource | undefined;
      try {
        remote = await openFileSource(settingsOf(source));
        const isNew = async (file: RemoteFile) => !(await knownImportFile(db, source, file.name, file.size, file.modifiedAt === null ? null : new Date(file.modifiedAt)));
        const first = await remote.list();
        let complete: RemoteFile[];
        if (source.done_marker) {
          complete = completeFiles(first, first, { pattern: source.file_pattern, doneMarker: true });
        } else {
          // Only new files need to prove they are complete: no wait when there is none.
          const candidates = completeFiles(first, first, { pattern: source.file_pattern, doneMarker: false });
          const anyNew = (await Promise.all(candidates.map(isNew))).some(Boolean);
          if (!anyNew) return unfinished;
          await waitHeartbeating(imports.stableWaitMs, { stage: 'stable-wait' });
          complete = completeFiles(first, await remote.list(), { pattern: source.file_pattern, doneMarker: false });
        }
        const taken: number[] = [...unfinished];
        for (const file of complete) {
          if (!(await isNew(file))) continue;
          context.heartbeat({ stage: 'download', file: file.name });
          const { local, sha256 } = await download(remote, file);
          const run = await claimImportFile(db, {
            ...runOf,
            remotePath: file.name,
            fileName: file.name,
            size: file.size,
            modifiedAt: file.modifiedAt === null ? null : new Date(file.modifiedAt),
            sha256,
            settingsChangedAt: source.updated_at,
          });
          if (run?.status === 'importing') {
            await rename(local, workFile(imports.importDir, run.id));
            if (!taken.includes(run.id)) taken.push(run.id);
          } else {
            await rm(local, { force: true });
          }
        }
        return taken;
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        // A server that is down for a moment gets a few tries; then the report says why nothing came.
        if (context.info.attempt < 3) throw ApplicationFailure.retryable(error.message, `SourceError.${error.code}`);
        await recordSourceFailure(db, runOf, error.code, error.message);
        return unfinished;
      } finally {
        await remote?.close();
      }
    },

    /** A file whose import failed for good (its retries spent): the report says it was interrupted, and where. */
    async abandonTakenFile({ runId, detail }: { runId: number; detail: string }): Promise<void> {
      await finishImportRun(db, runId, { status: 'failed', code: 'interrupted', detail });
      await rm(workFile(imports.importDir, runId), { force: true });
    },

    /**
     * Imports a taken file in batches of IMPORT_BATCH_ROWS rows. Each batch is
     * one transaction: its rows (through the shared writer), its failing
     * lines and the cursor (the batch's last line) commit together, so a
     * retry, or another worker after this one was killed, resumes after the
     * last committed batch and nothing is written twice. The cursor is the
     * heartbeat's detail too. A file that cannot be read at all fails the
     * run with its reason; a failing row fails alone.
     */
    async importTakenFile({ runId }: { runId: number }): Promise<FileImportSummary> {
      const context = Context.current();
      const summary = (run: ImportRun): FileImportSummary => ({
        runId,
        status: run.status,
        added: run.rows_added,
        updated: run.rows_updated,
        unchanged: run.rows_unchanged,
        skipped: run.rows_skipped,
        failed: run.rows_failed,
      });
      let run = await findImportRun(db, runId);
      if (!run) throw ApplicationFailure.nonRetryable(`import run ${runId} does not exist`);
      if (run.status !== 'importing') return summary(run);
      const source = run.source_id !== null ? await findImportSource(db, run.source_id) : undefined;
      const fail = async (code: string, detail: string) => {
        await finishImportRun(db, runId, { status: 'failed', code, detail });
        await rm(workFile(imports.importDir, runId), { force: true });
        return summary((await findImportRun(db, runId))!);
      };
      if (!source) return fail('sourceGone', 'the import source was removed');

      // Another worker (another machine) took the file: fetch it again, and it must be the same file.
      const local = workFile(imports.importDir, runId);
      if (!(await stat(local).catch(() => undefined))) {
        const remote = await openFileSource(settingsOf(source));
        try {
          const fetched = await download(remote, { name: run.remote_path, size: Number(run.size ?? 0), modifiedAt: null });
          if (fetched.sha256 !== run.sha256) {
            await rm(fetched.local, { force: true });
            return fail('changed', `${run.remote_path} changed on the server after it was taken`);
          }
          await rename(fetched.local, local);
        } finally {
          await remote.close();
        }
      }

      const open = () => createReadStream(local);
      let layout;
      try {
        // A large file takes a while to read through: the heartbeats say this worker is at it.
        layout = await inspectCsv(open, appointmentFields, csvOptions(source, imports.maxRecordBytes), (records) => context.heartbeat({ line: run!.committed_line, inspected: records }));
      } catch (error) {
        if (error instanceof CsvFileError) return fail(error.code, error.message);
        throw error;
      }
      await setRunTotal(db, runId, layout);
      const header: Partial<Record<string, string>> = fieldHeaders(layout.mapping);
      const headers = { location: header.location, date: header.date, end: header.end_time ?? header.duration };
      const defaultLocation = source.location_id ?? undefined;

      let cursor = run.committed_line;
      context.heartbeat({ line: cursor });
      for await (const batch of csvBatches(open, layout, appointmentFields, appointmentRowSchema, { afterLine: cursor, batchSize: imports.batchRows, uniqueField: 'external_id' })) {
        if (context.cancellationSignal.aborted) throw new CancelledFailure(String(context.cancellationSignal.reason ?? 'cancelled'));
        const from = cursor;
        const outcomes = await writeImportBatch(db, runId, from, batch, async (trx) => {
          const rows: ImportedAppointment[] = batch.rows.map(({ value }) => ({ ...value, location: value.location ?? defaultLocation }));
          // Each row in its own savepoint (the writer's transaction nests in ours): a failing row fails alone.
          const outcomes = await importAppointments(trx, source.company_id, rows, { source: plannerSource });
          const counts = { added: 0, updated: 0, unchanged: 0, skipped: 0 };
          const errors: RowError[] = [];
          outcomes.forEach((outcome, index) => {
            if (outcome.outcome === 'failed') errors.push(outcomeError(batch.rows[index]!.line, outcome, headers));
            // Cancelled or done before the planner's row came, or cancelled in the planner before we ever had it: skipped.
            else if (outcome.outcome === 'unchanged' && outcome.reason) counts.skipped++;
            else counts[outcome.outcome]++;
          });
          return { counts, errors, result: outcomes };
        }).catch(retryableIfSuperseded);
        cursor = batch.lastLine;
        context.heartbeat({ line: cursor });
        await tellCheckins(outcomes);
      }
      await finishImportRun(db, runId, { status: 'done' });
      await rm(local, { force: true });
      run = (await findImportRun(db, runId))!;
      return summary(run);
    },
  };
}
