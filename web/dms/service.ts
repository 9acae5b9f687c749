import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { z } from 'zod';
import { cancelDmsImport, confirmDmsImport, remapDmsImport, startDmsImport, undoDmsImport, type DmsAnswer } from '../../clients/dmsImport';
import { createDmsRun, findDmsRun, listDmsRuns, type DmsRunItem } from '../../db/dmsImport';
import {
  addDmsSource,
  defaultDmsSource,
  defaultDmsSourceName,
  deleteDmsSource,
  DmsSourceError,
  findDmsSource,
  listDmsSources,
  renameDmsSource,
  sourceCsvOptions,
  type DmsSource,
} from '../../db/dmsSources';
import { importRunReport } from '../../db/imports';
import type { RowError } from '../../lib/csv/errors';
import { dmsFilePath } from '../../lib/uploadFiles';
import type { DmsReadOptions } from '../../workflows/dmsImport.contract';
import type { FieldErrors } from '../errors';
import { originalName, type UploadRefusal } from '../uploads';
import { sha256OfFile } from '../../lib/files';
import { separatorOfSetting, settingOfSeparator } from '../../lib/csv/separator';

export interface DmsPageDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  /** UPLOAD_DIR */
  uploadDir: string;
  /** DMS_MAX_FILE_BYTES */
  maxFileBytes: number;
}

export type FormValues = Record<string, string>;

const kinds = ['customers', 'vehicles'] as const;
const modes = ['supplement', 'full'] as const;

/** The statuses in which the worker is at it: the run page re-reads itself. */
export const busyStatuses = new Set(['previewing', 'importing', 'undoing']);

/** A form value as text: a field sent twice, or not at all, reads as the first one or ''. */
const textOf = (value: unknown): string => (typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '');

export interface DmsPage {
  sources: DmsSource[];
  runs: DmsRunItem[];
  /** the upload form's choices */
  values: FormValues;
  maxMegabytes: number;
}

export async function dmsPage(deps: DmsPageDeps, companyId: number, values: FormValues = {}): Promise<DmsPage> {
  const [sources, runs] = await Promise.all([listDmsSources(deps.db, companyId), listDmsRuns(deps.db, companyId)]);
  return {
    sources,
    runs,
    values: { kind: 'customers', mode: 'supplement', source_id: '', ...values },
    maxMegabytes: Math.floor(deps.maxFileBytes / 1024 / 1024),
  };
}

/** What the upload form posted, kept to show again on a refusal (never the file). */
export const uploadValues = (body: Record<string, unknown>): FormValues => ({
  kind: textOf(body?.kind),
  mode: textOf(body?.mode),
  source_id: textOf(body?.source_id),
});

/** How an upload refusal reads on this form: keys under dms.upload.errors.* */
const refusalKey: Record<UploadRefusal, string> = {
  fileTooLarge: 'dms.upload.errors.fileTooLarge',
  tooManyFiles: 'dms.upload.errors.tooManyFiles',
  fileType: 'dms.upload.errors.uploadFailed',
  textTooLong: 'dms.upload.errors.uploadFailed',
  uploadFailed: 'dms.upload.errors.uploadFailed',
};

export type UploadResult = { ok: true; runId: number } | { ok: false; errors: FieldErrors; values: FormValues };

/**
 * "Import CSV": the uploaded file gets its run (previewing), moves to where
 * the worker reads it, and its workflow starts. Whatever fails after the
 * move takes the file and the run back, so nothing waits on disk for an
 * import that never started. The parser removes a file left in incoming/.
 */
export async function uploadDmsFile(
  deps: DmsPageDeps,
  staff: { id: number; company_id: number },
  body: Record<string, unknown>,
  files: Express.Multer.File[],
  refusal: UploadRefusal | undefined,
): Promise<UploadResult> {
  const values = uploadValues(body);
  const errors: FieldErrors = {};
  if (!(kinds as readonly string[]).includes(values.kind!)) errors.kind = 'dms.upload.errors.kind';
  if (!(modes as readonly string[]).includes(values.mode!)) errors.mode = 'dms.upload.errors.mode';
  let source: DmsSource | undefined;
  if (values.source_id !== '') {
    const id = /^[1-9][0-9]{0,9}$/.test(values.source_id!) ? Number(values.source_id) : 0;
    source = id > 0 && id <= 2_147_483_647 ? await findDmsSource(deps.db, staff.company_id, id) : undefined;
    if (!source) errors.source_id = 'dms.upload.errors.source';
  }
  const file = files[0];
  if (refusal) errors.file = refusalKey[refusal];
  else if (!file) errors.file = 'dms.upload.errors.noFile';
  if (Object.keys(errors).length > 0 || !file) return { ok: false, errors, values };

  source ??= await defaultDmsSource(deps.db, staff.company_id);
  const kind = values.kind as (typeof kinds)[number];
  const run = await createDmsRun(deps.db, {
    companyId: staff.company_id,
    staffId: staff.id,
    kind,
    mode: values.mode as (typeof modes)[number],
    sourceId: source.id,
    fileName: originalName(file) || 'upload.csv',
    size: file.size,
    sha256: await sha256OfFile(file.path),
    options: sourceCsvOptions(source, kind),
  });
  const target = dmsFilePath(deps.uploadDir, run.id);
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await rename(file.path, target);
    await startDmsImport(deps, run.id);
  } catch (error) {
    await rm(target, { force: true });
    await deps.db('import_runs').where({ id: run.id }).delete();
    throw error;
  }
  return { ok: true, runId: run.id };
}

// ---- one run ---------------------------------------------------------------------

export interface RunPage {
  run: DmsRunItem;
  busy: boolean;
  /** where the status part re-reads itself while busy */
  pollUrl: string;
  /** the failing lines as stored (done, failed, undone) */
  failing: RowError[];
  moreFailing: number;
  /** the mapping and read options form, as posted or as the run was read */
  mapping: FormValues;
  /** seconds the import took, once it finished */
  seconds: number | null;
}

/** The mapping form's values from the options the run was (last) read with. */
function mappingValues(run: DmsRunItem): FormValues {
  const options = run.options ?? {};
  const values: FormValues = {
    encoding: options.encoding ?? 'auto',
    separator: settingOfSeparator(options.separator),
    decimal_mark: options.decimalMark ?? 'auto',
    date_order: options.dateOrder ?? 'auto',
  };
  for (const field of run.preview?.fields ?? []) {
    const chosen = options.headers?.[field.name];
    values[`header.${field.name}`] = chosen === undefined ? 'auto' : chosen === '' ? 'none' : `column:${chosen}`;
  }
  return values;
}

/**
 * The run page. `notice` is what the admin just did: an undo starts its own
 * workflow and answers at once, so until the worker marks the run undoing the
 * page keeps re-reading itself (with the notice, so it knows to go on).
 */
export async function runPage(deps: DmsPageDeps, companyId: number, runId: number, posted?: FormValues, notice?: string): Promise<RunPage | undefined> {
  const run = await findDmsRun(deps.db, companyId, runId);
  if (!run) return undefined;
  const undoPending = run.status === 'done' && (notice === 'undoStarted' || notice === 'undoRunning');
  const finished = ['done', 'failed', 'undoing', 'undone'].includes(run.status);
  const report = finished ? await importRunReport(deps.db, companyId, runId, 200) : undefined;
  return {
    run,
    busy: busyStatuses.has(run.status) || undoPending,
    pollUrl: `/staff/settings/dms/runs/${run.id}${undoPending ? `?notice=${notice}` : ''}`,
    failing: report?.errors ?? [],
    moreFailing: report?.moreErrors ?? 0,
    mapping: { ...mappingValues(run), ...posted },
    seconds: run.finished_at ? Math.max(0, Math.round((run.finished_at.getTime() - run.started_at.getTime()) / 1000)) : null,
  };
}

const readOptionsForm = z.object({
  encoding: z.enum(['auto', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252']),
  separator: z.enum(['auto', ',', ';', 'tab']),
  decimal_mark: z.enum(['auto', ',', '.']),
  date_order: z.enum(['auto', 'dmy', 'mdy']),
});

/** The posted mapping form as it was typed, for the form again (every value text). */
export function mappingPosted(body: Record<string, unknown>): FormValues {
  return Object.fromEntries(
    Object.entries(body ?? {})
      .filter(([name]) => ['encoding', 'separator', 'decimal_mark', 'date_order'].includes(name) || name.startsWith('header.'))
      .map(([name, value]) => [name, textOf(value)]),
  );
}

/**
 * "Preview again": the read options and, for each field whose choice is not
 * "automatic", the column chosen ('' for "not in the file"), checked against
 * the file's own headers.
 */
export function parseMapping(run: DmsRunItem, body: Record<string, unknown>): { ok: true; options: DmsReadOptions } | { ok: false; errors: FieldErrors } {
  const posted = mappingPosted(body);
  const parsed = readOptionsForm.safeParse(posted);
  const errors: FieldErrors = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] = 'dms.run.errors.invalid';
  const headersInFile = new Set(run.preview?.headers ?? []);
  const headers: Record<string, string> = {};
  for (const field of run.preview?.fields ?? []) {
    const choice = posted[`header.${field.name}`] ?? 'auto';
    if (choice === 'auto') continue;
    if (choice === 'none') headers[field.name] = '';
    else if (choice.startsWith('column:') && headersInFile.has(choice.slice('column:'.length))) headers[field.name] = choice.slice('column:'.length);
    else errors[`header.${field.name}`] = 'dms.run.errors.invalid';
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  const form = parsed.data;
  return {
    ok: true,
    options: {
      encoding: form.encoding,
      separator: separatorOfSetting(form.separator),
      decimalMark: form.decimal_mark,
      dateOrder: form.date_order,
      headers,
    },
  };
}

export type RunAction = 'confirm' | 'cancel';

/** Import or Cancel on a previewed run; the workflow answers whether it took it. */
export async function decideRun(deps: DmsPageDeps, run: DmsRunItem, action: RunAction): Promise<DmsAnswer> {
  return action === 'confirm' ? confirmDmsImport(deps, run.id) : cancelDmsImport(deps, run.id);
}

export function remapRun(deps: DmsPageDeps, run: DmsRunItem, options: DmsReadOptions): Promise<DmsAnswer> {
  return remapDmsImport(deps, run.id, options);
}

/** Undo of a finished import (done, or failed part-way: every run is all or nothing, so there is something only when done). */
export async function undoRun(deps: DmsPageDeps, run: DmsRunItem, staffId: number): Promise<'started' | 'running' | 'notDone'> {
  if (run.status !== 'done') return run.status === 'undoing' ? 'running' : 'notDone';
  return undoDmsImport(deps, run.id, staffId);
}

export function findRun(deps: DmsPageDeps, companyId: number, runId: number): Promise<DmsRunItem | undefined> {
  return findDmsRun(deps.db, companyId, runId);
}

// ---- sources ---------------------------------------------------------------------

export type SourceAction = { action: 'add'; name: string } | { action: 'rename'; id: number; name: string } | { action: 'delete'; id: number };

/** Adds, renames or deletes a DMS source; a refusal comes back as its code (dms.sources.errors.<code>). */
export async function changeSource(deps: DmsPageDeps, companyId: number, change: SourceAction): Promise<{ ok: true } | { ok: false; code: DmsSourceError['code'] }> {
  try {
    if (change.action === 'add') await addDmsSource(deps.db, companyId, change.name);
    else if (change.action === 'rename') await renameDmsSource(deps.db, companyId, change.id, change.name);
    else await deleteDmsSource(deps.db, companyId, change.id);
    return { ok: true };
  } catch (error) {
    if (error instanceof DmsSourceError) return { ok: false, code: error.code };
    throw error;
  }
}

/** A source's name as typed, bounded (the db module cleans it). */
export const sourceName = (body: Record<string, unknown>) => textOf(body?.name).slice(0, 1000);

export { defaultDmsSourceName };
