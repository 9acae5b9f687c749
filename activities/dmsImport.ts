import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { dmsKindOf, loadDmsRun, type DmsCounts, type DmsPreview, type DmsRun } from '../db/dmsImport';
import { DmsMergeConflict, mergeDmsCsvBatch, type MergeContext } from '../db/dmsMerge';
import { rememberCsvOptions } from '../db/dmsSources';
import { undoDmsBatch, type UndoCounts } from '../db/dmsUndo';
import { failedRowCount, finishImportRun, setRunTotal, writeImportBatch } from '../db/imports';
import { dmsFormats } from '../lib/csv/dms';
import { CsvFileError, type RowError } from '../lib/csv/errors';
import { fieldHeaders } from '../lib/csv/headers';
import { csvBatches, inspectCsv, type CsvBatch, type CsvLayout, type CsvOptions } from '../lib/csv/read';
import { readAhead } from '../lib/readAhead';
import { dmsFilePath } from '../lib/uploadFiles';
import { retryableIfSuperseded } from './imports';
import type { DmsReadOptions } from '../workflows/dmsImport.contract';

export interface DmsImportSettings {
  /** UPLOAD_DIR: the web process left the file in dms/ there */
  uploadDir: string;
  /** rows per batch (one transaction, one set-based merge): DMS_BATCH_ROWS */
  batchRows: number;
  maxRecordBytes: number;
}

export interface DmsImportDeps {
  db: Knex;
  dms: DmsImportSettings;
}


const previewSampleRows = 10;
const previewErrors = 20;



/** A stored value as the preview shows it. */
const shown = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));


/**
 * P9/D5: the DMS datastore import's side effects (workflows/dmsImport.ts):
 * preview a file (the import run in a transaction that is rolled back),
 * import it batch by batch with the cursor committed with each batch, and
 * undo it from its journal.
 */
export function createDmsImportActivities({ db, dms }: DmsImportDeps) {
  const fileOf = (runId: number) => dmsFilePath(dms.uploadDir, runId);
  const optionsOf = (run: DmsRun): CsvOptions => ({ ...(run.options ?? {}), maxRecordBytes: dms.maxRecordBytes });

  async function runOf(runId: number): Promise<DmsRun> {
    const run = await loadDmsRun(db, runId);
    if (!run) throw ApplicationFailure.nonRetryable(`DMS import run ${runId} does not exist`);
    return run;
  }

  const contextOf = (run: DmsRun, layout: CsvLayout): MergeContext => ({
    companyId: run.company_id,
    sourceId: run.dms_source_id!,
    runId: run.id,
    mode: run.mode,
    headers: fieldHeaders(layout.mapping),
  });

  /** The file's batches after `afterLine`; the next one is read and parsed while the caller merges this one. */
  function fileBatches(run: DmsRun, layout: CsvLayout, afterLine: number): AsyncGenerator<CsvBatch<unknown>> {
    const { fields, schema } = dmsFormats[dmsKindOf(run)];
    return readAhead(csvBatches(() => createReadStream(fileOf(run.id)), layout, fields, schema, { afterLine, batchSize: dms.batchRows }));
  }

  async function inspect(run: DmsRun, options: CsvOptions, progress?: (records: number) => void): Promise<CsvLayout> {
    const { fields } = dmsFormats[dmsKindOf(run)];
    return inspectCsv(() => createReadStream(fileOf(run.id)), fields, options, progress);
  }

  return {
    /**
     * The preview: the file read with the run's options, its mapping and
     * first rows, and the whole import run in one transaction that is rolled
     * back, so its counts (new, updated and which fields, unchanged,
     * failing) are the import's own. A file that cannot be imported as read
     * gets its reason and, when its header could be read, its headers for
     * the admin to map. Answers whether the file can be imported.
     */
    async previewDmsFile({ runId }: { runId: number }): Promise<{ readable: boolean; rows: number | null }> {
      const context = Context.current();
      const run = await runOf(runId);
      if (run.status !== 'previewing') return { readable: !!run.preview && !run.preview.fileError, rows: run.total_rows };
      const kind = dmsKindOf(run);
      const { fields } = dmsFormats[kind];
      const beat = (records: number) => context.heartbeat({ stage: 'inspect', records });
      const save = async (preview: DmsPreview, layout: CsvLayout | undefined) => {
        await db('import_runs')
          .where({ id: runId, status: 'previewing' })
          .update({ preview: JSON.stringify(preview), layout: layout ? JSON.stringify(layout) : null, total_rows: layout?.records ?? null, status: 'previewed' });
      };
      const fieldList = (layout: CsvLayout | undefined) =>
        fields.map((field) => ({
          name: field.name,
          required: !!field.required,
          header: layout && layout.mapping.columns[field.name] !== undefined ? layout.mapping.headers[layout.mapping.columns[field.name]!]! : null,
        }));
      const empty: DmsCounts = { rows: 0, added: 0, updated: 0, unchanged: 0, failed: 0 };

      let layout: CsvLayout;
      try {
        layout = await inspect(run, optionsOf(run), beat);
      } catch (error) {
        if (!(error instanceof CsvFileError)) throw error;
        await save(
          {
            fields: fieldList(undefined),
            // the file's headers when its header line could be read, so the admin can say which column is which
            headers: error.headers,
            unused: [],
            read: null,
            sample: [],
            counts: empty,
            updatedFields: {},
            errors: [],
            fileError: { code: error.code, detail: error.message, columns: error.columns },
          },
          undefined,
        );
        return { readable: false, rows: null };
      }

      const counts: DmsCounts = { ...empty, rows: layout.records };
      const updatedFields: Record<string, number> = {};
      const errors: RowError[] = [];
      const sample: DmsPreview['sample'] = [];
      const trx = await db.transaction();
      try {
        const merging = contextOf(run, layout);
        for await (const batch of fileBatches(run, layout, 1)) {
          const { result: outcome } = await mergeDmsCsvBatch(trx, kind, merging, batch);
          counts.added += outcome.added;
          counts.updated += outcome.updated;
          counts.unchanged += outcome.unchanged;
          const failing = [...batch.errors, ...outcome.errors];
          counts.failed += failedRowCount(failing);
          for (const [field, n] of Object.entries(outcome.updatedFields)) updatedFields[field] = (updatedFields[field] ?? 0) + n;
          for (const error of failing.sort((a, b) => a.line - b.line)) if (errors.length < previewErrors) errors.push({ ...error, raw: undefined });
          for (const row of batch.rows) {
            if (sample.length >= previewSampleRows) break;
            sample.push({ line: row.line, values: Object.fromEntries(Object.entries(row.value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => [k, shown(v)])) });
          }
          context.heartbeat({ stage: 'preview', line: batch.lastLine });
          if (context.cancellationSignal.aborted) throw new CancelledFailure('preview cancelled');
        }
      } finally {
        // Nothing of the preview stays: the counts were all it was for.
        await trx.rollback();
      }
      await save(
        {
          fields: fieldList(layout),
          headers: layout.mapping.headers,
          unused: layout.mapping.unused,
          read: { encoding: layout.encoding, bom: layout.bom, separator: layout.separator, decimalMark: layout.decimalMark, dateOrders: layout.dateOrders },
          sample,
          counts,
          updatedFields,
          errors,
          fileError: null,
        },
        layout,
      );
      return { readable: true, rows: layout.records };
    },

    /** The admin changed how the file is read: it is previewed again with that. */
    async setDmsOptions({ runId, options }: { runId: number; options: DmsReadOptions }): Promise<void> {
      await db('import_runs').where({ id: runId }).whereIn('status', ['previewing', 'previewed']).update({ options: JSON.stringify(options), status: 'previewing', preview: null });
    },

    /** *Import* was pressed: the run imports, and its source remembers how its files read. */
    async beginDmsImport({ runId }: { runId: number }): Promise<void> {
      const run = await runOf(runId);
      if (run.status !== 'previewed') return;
      await db.transaction(async (trx) => {
        await trx('import_runs')
          .where({ id: runId, status: 'previewed' })
          .update({ status: 'importing', committed_line: 1, rows_added: 0, rows_updated: 0, rows_unchanged: 0, rows_skipped: 0, rows_failed: 0, started_at: trx.fn.now() });
        if (run.dms_source_id) await rememberCsvOptions(trx, run.dms_source_id, dmsKindOf(run), run.options ?? {});
      });
    },

    /**
     * The import: batches of DMS_BATCH_ROWS rows, each one transaction with
     * its merge, its failing lines and the cursor (db/imports.ts
     * commitImportBatch, shared with the planner's import), so a retry or
     * another worker resumes after the last committed batch and nothing is
     * written twice. The file goes when it is done.
     */
    async importDmsFile({ runId }: { runId: number }): Promise<DmsCounts> {
      const context = Context.current();
      let run = await runOf(runId);
      const result = (r: DmsRun): DmsCounts => ({ rows: r.total_rows ?? 0, added: r.rows_added, updated: r.rows_updated, unchanged: r.rows_unchanged, failed: r.rows_failed });
      if (run.status !== 'importing') return result(run);
      if (!(await stat(fileOf(runId)).catch(() => undefined))) {
        await finishImportRun(db, runId, { status: 'failed', code: 'fileGone', detail: 'the uploaded file is not in UPLOAD_DIR/dms any more' });
        return result(await runOf(runId));
      }
      // The preview read the file through with these very options (a change of them previews again): its layout is the file's.
      let layout: CsvLayout;
      try {
        layout = run.layout?.mapping ? run.layout : await inspect(run, optionsOf(run), (records) => context.heartbeat({ line: run.committed_line, inspected: records }));
      } catch (error) {
        if (!(error instanceof CsvFileError)) throw error;
        await finishImportRun(db, runId, { status: 'failed', code: error.code, detail: error.message });
        return result(await runOf(runId));
      }
      await setRunTotal(db, runId, layout);
      let cursor = run.committed_line;
      context.heartbeat({ line: cursor });
      const kind = dmsKindOf(run);
      const merging = contextOf(run, layout);
      for await (const batch of fileBatches(run, layout, cursor)) {
        if (context.cancellationSignal.aborted) throw new CancelledFailure(String(context.cancellationSignal.reason ?? 'cancelled'));
        const from = cursor;
        await writeImportBatch(db, runId, from, batch, (trx) => mergeDmsCsvBatch(trx, kind, merging, batch)).catch((error: unknown) => {
          if (error instanceof DmsMergeConflict) throw ApplicationFailure.retryable(error.message, 'DmsMergeConflict');
          return retryableIfSuperseded(error);
        });
        cursor = batch.lastLine;
        context.heartbeat({ line: cursor });
      }
      await finishImportRun(db, runId, { status: 'done' });
      await rm(fileOf(runId), { force: true });
      run = await runOf(runId);
      return result(run);
    },

    /** Cancelled on the preview, or nobody decided in time: nothing was written; the file goes. */
    async cancelDmsFile({ runId, reason }: { runId: number; reason: 'cancelled' | 'expired' }): Promise<void> {
      await db('import_runs')
        .where({ id: runId })
        .whereIn('status', ['previewing', 'previewed'])
        .update({ status: 'cancelled', error_code: reason === 'expired' ? 'expired' : null, finished_at: db.fn.now() });
      await rm(fileOf(runId), { force: true });
    },

    /** An import whose retries were spent (the database gone for long): the report says it was interrupted. */
    async abandonDmsFile({ runId, detail }: { runId: number; detail: string }): Promise<void> {
      await finishImportRun(db, runId, { status: 'failed', code: 'interrupted', detail });
      await rm(fileOf(runId), { force: true });
    },

    /**
     * Undo of a finished import (db/dmsUndo.ts), a batch per transaction,
     * the counts kept with the run in the same transaction; resumes where it
     * stopped.
     */
    async undoDmsRun({ runId, staffId }: { runId: number; staffId: number | null }): Promise<UndoCounts> {
      const context = Context.current();
      const started = await db('import_runs')
        .where({ id: runId })
        .whereIn('status', ['done', 'undoing'])
        .whereIn('kind', ['dms_customers', 'dms_vehicles'])
        .update({ status: 'undoing', undone_by: staffId, undo_counts: db.raw(`coalesce(undo_counts, '{"removed":0,"restored":0,"kept":0}'::jsonb)`) })
        .returning('undo_counts');
      if (started.length === 0) {
        const run = await runOf(runId);
        return run.undo_counts ?? { removed: 0, restored: 0, kept: 0 };
      }
      for (;;) {
        const step = await db.transaction(async (trx) => {
          const counts = await undoDmsBatch(trx, runId, dms.batchRows);
          await trx('import_runs')
            .where({ id: runId })
            .update({
              undo_counts: trx.raw(
                `jsonb_build_object('removed', (undo_counts ->> 'removed')::int + ?, 'restored', (undo_counts ->> 'restored')::int + ?, 'kept', (undo_counts ->> 'kept')::int + ?)`,
                [counts.removed, counts.restored, counts.kept],
              ),
              ...(counts.done ? { status: 'undone', undone_at: trx.fn.now() } : {}),
            });
          return counts;
        });
        context.heartbeat({ undone: true });
        if (step.done) break;
      }
      return (await runOf(runId)).undo_counts!;
    },
  };
}
