import type { Knex } from 'knex';
import type { RowError } from '../lib/csv/errors';
import type { CsvLayout } from '../lib/csv/read';
import type { StoredSource } from '../lib/fileSources/settings';

/** D5: a company's import source (see the migration 20261202040000 for what each column means). */
export interface ImportSource extends StoredSource {
  id: number;
  file_pattern: string;
  done_marker: boolean;
  location_id: number | null;
  encoding: 'auto' | 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  separator: 'auto' | ',' | ';' | 'tab';
  date_order: 'auto' | 'dmy' | 'mdy';
  enabled: boolean;
  updated_at: Date;
}

export type ImportSourceChanges = Omit<ImportSource, 'id' | 'company_id' | 'updated_at' | 'secret'> & {
  /** a newly sealed secret; undefined keeps the stored one */
  secret?: string;
};

/** previewing, previewed, cancelled, undoing and undone are the DMS import's (db/dmsImport.ts). */
export type RunStatus = 'importing' | 'done' | 'failed' | 'skipped' | 'previewing' | 'previewed' | 'cancelled' | 'undoing' | 'undone';
export type RunTrigger = 'schedule' | 'manual';

export interface ImportRun {
  id: number;
  company_id: number;
  /** what the file holds: planner appointments (W2) or DMS customers / vehicles (P9, db/dmsImport.ts) */
  kind: 'appointments' | 'dms_customers' | 'dms_vehicles';
  source_id: number | null;
  workflow_run: string;
  trigger: RunTrigger;
  file_id: number | null;
  duplicate_of: number | null;
  remote_path: string;
  file_name: string;
  size: string | null;
  sha256: string | null;
  status: RunStatus;
  /**
   * how the file was read (once read through): kept so the DMS import reads it as its preview did, and for the
   * file of failing lines (lib/csv/errorFile.ts)
   */
  layout: CsvLayout | null;
  committed_line: number;
  total_rows: number | null;
  rows_added: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_skipped: number;
  rows_failed: number;
  error_code: string | null;
  error_detail: string | null;
  started_at: Date;
  finished_at: Date | null;
}

/** The company's import source (the settings page manages one per company). */
export async function companyImportSource(db: Knex, companyId: number): Promise<ImportSource | undefined> {
  return db('import_sources').where({ company_id: companyId }).orderBy('id').first();
}

export async function findImportSource(db: Knex, id: number): Promise<ImportSource | undefined> {
  return db('import_sources').where({ id }).first();
}

/** Creates or changes the company's source; answers its id. */
export async function saveImportSource(db: Knex, companyId: number, changes: ImportSourceChanges): Promise<number> {
  const { secret, ...rest } = changes;
  const values = { ...rest, ...(secret !== undefined ? { secret } : {}) };
  return db.transaction(async (trx) => {
    const current = await trx('import_sources').where({ company_id: companyId }).orderBy('id').forUpdate().first('id');
    if (current) {
      await trx('import_sources').where({ id: current.id }).update({ ...values, updated_at: trx.fn.now() });
      return current.id as number;
    }
    const [{ id }] = await trx('import_sources').insert({ ...values, company_id: companyId }).returning('id');
    return id as number;
  });
}

/** Every enabled source: what the hourly schedule fans out to. */
export async function enabledImportSources(db: Knex): Promise<{ id: number; company_id: number }[]> {
  return db('import_sources').where({ enabled: true }).orderBy('id').select('id', 'company_id');
}

/**
 * The runs that make a file of this source known (not taken again): imported
 * or importing, skipped as a copy, or failed for what the file is (no CSV,
 * dates that read both ways) unless the source's settings changed since
 * (the admin chose the date order: the same file is read again). A file
 * whose import was interrupted is taken again.
 */
function knownRuns(db: Knex, sourceId: number, settingsChangedAt: Date) {
  return db('import_runs')
    .where({ source_id: sourceId })
    .whereNotNull('sha256')
    .where((q) =>
      q.whereIn('status', ['importing', 'done', 'skipped']).orWhere((failed) => failed.where({ status: 'failed' }).whereNot({ error_code: 'interrupted' }).where('finished_at', '>=', settingsChangedAt)),
    );
}

/**
 * A file this source listed before with the same name, size and time: the
 * same file, not downloaded again. Without a time (some FTP servers tell
 * none) it is downloaded and its hash decides (claimImportFile).
 */
export async function knownImportFile(db: Knex, source: Pick<ImportSource, 'id' | 'updated_at'>, remotePath: string, size: number, modifiedAt: Date | null): Promise<boolean> {
  if (!modifiedAt) return false;
  return !!(await knownRuns(db, source.id, source.updated_at).where({ remote_path: remotePath, size, modified_at: modifiedAt }).first('id'));
}

export interface TakenFile {
  companyId: number;
  sourceId: number;
  /** `<workflow id>/<run id>`: a retried activity of the same run finds its own claim */
  workflowRun: string;
  trigger: RunTrigger;
  remotePath: string;
  fileName: string;
  size: number;
  modifiedAt: Date | null;
  sha256: string;
  /** the source's updated_at: what failed before is read again after a change of settings */
  settingsChangedAt: Date;
}

/**
 * Takes a downloaded file for import, once: its hash is entered in
 * import_files (unique per company) and a run starts; a file whose hash is
 * known already gets a run 'skipped' that names the earlier file, unless
 * this source had it under this very name before (listed again, nothing to
 * report: answers undefined). The same workflow run asking again (its
 * activity retried) gets its run back.
 */
export async function claimImportFile(db: Knex, file: TakenFile): Promise<ImportRun | undefined> {
  return db.transaction(async (trx) => {
    const own = await trx('import_runs').where({ workflow_run: file.workflowRun, remote_path: file.remotePath }).first();
    if (own) return own;
    const base = {
      company_id: file.companyId,
      source_id: file.sourceId,
      workflow_run: file.workflowRun,
      trigger: file.trigger,
      remote_path: file.remotePath,
      file_name: file.fileName,
      size: file.size,
      modified_at: file.modifiedAt,
      sha256: file.sha256,
    };
    const [entered] = await trx('import_files')
      .insert({ company_id: file.companyId, source_id: file.sourceId, sha256: file.sha256, remote_path: file.remotePath, size: file.size })
      .onConflict(['company_id', 'sha256'])
      .ignore()
      .returning('id');
    if (entered) {
      const [run] = await trx('import_runs').insert({ ...base, file_id: entered.id, status: 'importing' }).returning('*');
      return run;
    }
    const earlier = await trx('import_files').where({ company_id: file.companyId, sha256: file.sha256 }).first('id');
    const seenHere = await knownRuns(trx, file.sourceId, file.settingsChangedAt).where({ remote_path: file.remotePath, sha256: file.sha256 }).first('id');
    if (seenHere) return undefined;
    const [run] = await trx('import_runs')
      .insert({ ...base, duplicate_of: earlier.id, status: 'skipped', error_code: 'alreadyImported', finished_at: trx.fn.now() })
      .returning('*');
    return run;
  });
}

/** A source that could not be read at all (connection, password, folder): a failed run says so. */
export async function recordSourceFailure(
  db: Knex,
  run: { companyId: number; sourceId: number; workflowRun: string; trigger: RunTrigger },
  code: string,
  detail: string,
): Promise<void> {
  await db('import_runs')
    .insert({
      company_id: run.companyId,
      source_id: run.sourceId,
      workflow_run: run.workflowRun,
      trigger: run.trigger,
      remote_path: '',
      status: 'failed',
      error_code: code,
      error_detail: detail.slice(0, 1000),
      finished_at: db.fn.now(),
    })
    .onConflict(['workflow_run', 'remote_path'])
    .ignore();
}

/**
 * Runs of the source still importing when its import starts: taken by an
 * earlier attempt of this run, or by an earlier run that was terminated
 * (one import per source at a time, so nobody else is at them).
 */
export async function unfinishedImportRuns(db: Knex, sourceId: number): Promise<number[]> {
  return db('import_runs').where({ source_id: sourceId, status: 'importing' }).orderBy('id').pluck('id');
}

export async function findImportRun(db: Knex, id: number): Promise<ImportRun | undefined> {
  return db('import_runs').where({ id }).first();
}

export interface BatchCounts {
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

/**
 * Records a committed batch in the caller's transaction (the one that wrote
 * its rows): its counts, its failing lines, and the cursor moved from
 * `fromLine` to `toLine`. Answers false (and records nothing) when the
 * cursor is not at `fromLine` any more: another attempt of the import got
 * there first, and the caller must roll back.
 */
export async function commitImportBatch(trx: Knex.Transaction, runId: number, fromLine: number, toLine: number, counts: BatchCounts, errors: RowError[]): Promise<boolean> {
  const moved = await trx('import_runs')
    .where({ id: runId, committed_line: fromLine, status: 'importing' })
    .update({
      committed_line: toLine,
      rows_added: trx.raw('rows_added + ?', [counts.added]),
      rows_updated: trx.raw('rows_updated + ?', [counts.updated]),
      rows_unchanged: trx.raw('rows_unchanged + ?', [counts.unchanged]),
      rows_skipped: trx.raw('rows_skipped + ?', [counts.skipped]),
      rows_failed: trx.raw('rows_failed + ?', [counts.failed]),
    });
  if (moved === 0) return false;
  if (errors.length > 0) {
    await trx('import_errors').insert(
      errors.map((error) => ({ run_id: runId, line: error.line, column: error.column, reason: error.reason, detail: (error.detail ?? '').slice(0, 500), raw: error.raw ?? null })),
    );
  }
  return true;
}

/** A file's failing rows: a line with several failing fields is one row. */
export const failedRowCount = (errors: RowError[]): number => new Set(errors.map((error) => error.line)).size;

/** Another attempt of the import moved the cursor past this batch's start: it rolled back, and retries from the database's cursor. */
export class ImportSuperseded extends Error {
  override readonly name = 'ImportSuperseded';
}

/**
 * One batch of a file import (D5: planner appointments, P9: DMS files) in one
 * transaction: `write` stores the batch's rows and answers their counts and
 * failing rows; those, the parser's failing rows and the cursor (from
 * `fromLine` to the batch's last line) commit with them, so a retry resumes
 * after the last committed batch and nothing is written twice. Throws
 * ImportSuperseded (nothing committed) when another attempt got there first.
 */
export async function writeImportBatch<T>(
  db: Knex,
  runId: number,
  fromLine: number,
  batch: { errors: RowError[]; lastLine: number },
  write: (trx: Knex.Transaction) => Promise<{ counts: Omit<BatchCounts, 'failed'>; errors: RowError[]; result: T }>,
): Promise<T> {
  return db.transaction(async (trx) => {
    const written = await write(trx);
    const errors = [...batch.errors, ...written.errors];
    if (!(await commitImportBatch(trx, runId, fromLine, batch.lastLine, { ...written.counts, failed: failedRowCount(errors) }, errors))) {
      throw new ImportSuperseded(`import run ${runId}: another attempt moved the cursor past line ${fromLine}`);
    }
    return written.result;
  });
}

/** The file was read through: its rows, and its layout (for the file of its failing lines, web/failingLines.ts). */
export async function setRunTotal(db: Knex, runId: number, layout: CsvLayout): Promise<void> {
  await db('import_runs').where({ id: runId }).update({ total_rows: layout.records, layout: JSON.stringify(layout) });
}

/**
 * Ends a run: done, or failed with the file's error (imports.file.<code>).
 * A failed file's hash is released, so the same file can be taken again
 * (after a change of settings, see knownRuns); the writer's idempotency
 * keeps the rows it had committed from coming twice.
 */
export async function finishImportRun(db: Knex, runId: number, outcome: { status: 'done' } | { status: 'failed'; code: string; detail: string }): Promise<void> {
  await db.transaction(async (trx) => {
    const [run] = await trx('import_runs')
      .where({ id: runId, status: 'importing' })
      .update({
        status: outcome.status,
        finished_at: trx.fn.now(),
        ...(outcome.status === 'failed' ? { error_code: outcome.code, error_detail: outcome.detail.slice(0, 1000) } : {}),
      })
      .returning('file_id');
    if (run?.file_id && outcome.status === 'failed') await trx('import_files').where({ id: run.file_id }).delete();
  });
}

/** The company's latest runs, newest first. */
export async function listImportRuns(db: Knex, companyId: number, limit = 50): Promise<ImportRun[]> {
  return db('import_runs').where({ company_id: companyId, kind: 'appointments' }).orderBy('id', 'desc').limit(limit);
}

export interface ImportRunReport {
  run: ImportRun;
  errors: (RowError & { id: number })[];
  /** more failing lines than shown */
  moreErrors: number;
}

/** One run's report with its failing lines (the first `limit`), in line order. */
export async function importRunReport(db: Knex, companyId: number, runId: number, limit = 1000): Promise<ImportRunReport | undefined> {
  const run: ImportRun | undefined = await db('import_runs').where({ id: runId, company_id: companyId }).first();
  if (!run) return undefined;
  const errors = await db('import_errors').where({ run_id: runId }).orderBy([{ column: 'line' }, { column: 'id' }]).limit(limit).select('id', 'line', 'column', 'reason', 'detail');
  const counted = await db('import_errors').where({ run_id: runId }).count({ count: '*' }).first();
  return { run, errors, moreErrors: Math.max(0, Number(counted?.count ?? 0) - errors.length) };
}

/** The original text of every failing line of the run, in line order, streamed in pages (for lib/csv/errorFile.ts). */
export async function* failingLineTexts(db: Knex, runId: number, page = 2000): AsyncGenerator<string> {
  let after = { line: 0, id: 0 };
  let lastLine = -1;
  for (;;) {
    const rows: { id: number; line: number; raw: string | null }[] = await db('import_errors')
      .where({ run_id: runId })
      .whereNotNull('raw')
      .whereRaw('(line, id) > (?, ?)', [after.line, after.id])
      .orderBy([{ column: 'line' }, { column: 'id' }])
      .limit(page)
      .select('id', 'line', 'raw');
    for (const row of rows) {
      // A line with several failing fields is one line of the file.
      if (row.line !== lastLine) yield row.raw!;
      lastLine = row.line;
    }
    if (rows.length < page) return;
    after = { line: rows.at(-1)!.line, id: rows.at(-1)!.id };
  }
}
