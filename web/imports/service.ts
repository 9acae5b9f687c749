import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { z } from 'zod';
import { importRunning, runImportNow } from '../../clients/importSchedule';
import { companyImportSource, importRunReport, listImportRuns, saveImportSource, type ImportRun, type ImportRunReport, type ImportSource, type ImportSourceChanges } from '../../db/imports';
import { completeFiles, openFileSource, SourceError } from '../../lib/fileSources';
import { companyFolder, connectionSettings, importSealer, secretContext } from '../../lib/fileSources/settings';
import type { FieldErrors } from '../errors';

export interface ImportPageDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  importDir: string;
  secretKey: string;
  connectTimeoutMs: number;
}

export type FormValues = Record<string, unknown>;

const ticked = (value: unknown) => value === 'on' || value === 'true' || value === true;
const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const hostShape = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[?[0-9A-Fa-f:.]+\]?$/;

/** The settings form, field by field; each message is a key of imports.errors. */
const sourceForm = z
  .object({
    kind: z.enum(['sftp', 'ftp', 'folder'], 'imports.errors.kind'),
    host: z.string().trim().max(253, 'imports.errors.host').default(''),
    port: z.preprocess(blankToUndefined, z.coerce.number('imports.errors.port').int('imports.errors.port').min(1, 'imports.errors.port').max(65535, 'imports.errors.port').optional()),
    username: z.string().trim().max(200, 'imports.errors.tooLong').default(''),
    secret: z.string().max(20_000, 'imports.errors.tooLong').default(''),
    host_key: z.string().trim().regex(/^$|^SHA256:[A-Za-z0-9+/]{43}$/, 'imports.errors.hostKey').default(''),
    tls: z.unknown().optional().transform(ticked),
    remote_path: z.string().trim().max(500, 'imports.errors.tooLong').default(''),
    file_pattern: z.string().trim().max(100, 'imports.errors.tooLong').default('*.csv'),
    done_marker: z.unknown().optional().transform(ticked),
    location_id: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()),
    encoding: z.enum(['auto', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252'], 'imports.errors.invalid').default('auto'),
    separator: z.enum(['auto', ',', ';', 'tab'], 'imports.errors.invalid').default('auto'),
    date_order: z.enum(['auto', 'dmy', 'mdy'], 'imports.errors.invalid').default('auto'),
    enabled: z.unknown().optional().transform(ticked),
  })
  .superRefine((form, ctx) => {
    if (form.kind !== 'folder' && !hostShape.test(form.host)) ctx.addIssue({ code: 'custom', path: ['host'], message: 'imports.errors.host' });
    if (form.kind === 'sftp' && form.username === '') ctx.addIssue({ code: 'custom', path: ['username'], message: 'imports.errors.username' });
  });

export interface ImportPage {
  source: ImportSource | undefined;
  values: FormValues;
  locations: { id: number; name: string }[];
  runs: ImportRun[];
  /** an import of the source is running: the runs table re-reads itself */
  running: boolean;
  /** the company's default watched folder, for the form's hint */
  defaultFolder: string;
}

/** The form's values from the stored source; the secret is never shown, only whether one is stored. */
function sourceValues(source: ImportSource | undefined): FormValues {
  if (!source) return { kind: 'folder', file_pattern: '*.csv', encoding: 'auto', separator: 'auto', date_order: 'auto', enabled: true };
  const { secret: _secret, ...rest } = source;
  return { ...rest, port: source.port ?? '', location_id: source.location_id ?? '' };
}

export async function importPage(deps: ImportPageDeps, companyId: number): Promise<ImportPage> {
  const source = await companyImportSource(deps.db, companyId);
  const [locations, runs] = await Promise.all([
    deps.db('locations').where({ company_id: companyId }).orderBy('name').select('id', 'name'),
    listImportRuns(deps.db, companyId),
  ]);
  const running = await isRunning(deps, source, runs);
  return { source, values: sourceValues(source), locations, runs, running, defaultFolder: companyFolder(deps.importDir, companyId) };
}

/** A run still importing, or the source's workflow still at it (listing, waiting for a file to be complete). */
async function isRunning(deps: ImportPageDeps, source: ImportSource | undefined, runs: ImportRun[]): Promise<boolean> {
  if (runs.some((run) => run.status === 'importing')) return true;
  return source ? importRunning(deps, source.id) : false;
}

export async function importRuns(deps: ImportPageDeps, companyId: number): Promise<{ runs: ImportRun[]; running: boolean }> {
  const [source, runs] = await Promise.all([companyImportSource(deps.db, companyId), listImportRuns(deps.db, companyId)]);
  return { runs, running: await isRunning(deps, source, runs) };
}

type Parsed = { ok: true; changes: ImportSourceChanges } | { ok: false; errors: FieldErrors };

/** Checks the form; a new secret is sealed here, an empty one keeps the stored one. */
async function parseSourceForm(deps: ImportPageDeps, companyId: number, body: FormValues): Promise<Parsed> {
  const result = sourceForm.safeParse(body);
  const errors: FieldErrors = {};
  if (!result.success) {
    for (const issue of result.error.issues) errors[String(issue.path[0] ?? 'kind')] ??= issue.message;
    return { ok: false, errors };
  }
  const form = result.data;
  if (form.kind === 'folder') {
    try {
      companyFolder(deps.importDir, companyId, form.remote_path);
    } catch {
      return { ok: false, errors: { remote_path: 'imports.errors.folder' } };
    }
  }
  if (form.location_id !== undefined && !(await deps.db('locations').where({ id: form.location_id, company_id: companyId }).first('id'))) {
    return { ok: false, errors: { location_id: 'imports.errors.invalid' } };
  }
  const { secret, ...rest } = form;
  return {
    ok: true,
    changes: {
      ...rest,
      port: form.port ?? null,
      location_id: form.location_id ?? null,
      ...(secret.trim() !== '' ? { secret: importSealer(deps.secretKey).seal(secret.trim(), secretContext(companyId)) } : {}),
    },
  };
}

export async function saveSource(deps: ImportPageDeps, companyId: number, body: FormValues): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const parsed = await parseSourceForm(deps, companyId, body);
  if (!parsed.ok) return parsed;
  await saveImportSource(deps.db, companyId, parsed.changes);
  return { ok: true };
}

export type ConnectionTest =
  | { ok: true; files: number; waiting: string[]; hostKey?: string }
  | { ok: false; code: string; detail: string; hostKey?: string }
  | { ok: false; errors: FieldErrors };

/**
 * "Test connection" with what the form says (the stored secret when none is
 * typed): connects, lists, and answers how many files the pattern takes, or
 * what failed. Nothing is saved or imported.
 */
export async function testSource(deps: ImportPageDeps, companyId: number, body: FormValues): Promise<ConnectionTest> {
  const parsed = await parseSourceForm(deps, companyId, body);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const stored = await companyImportSource(deps.db, companyId);
  const settings = connectionSettings(
    { ...parsed.changes, company_id: companyId, secret: parsed.changes.secret ?? stored?.secret ?? null },
    { sealer: importSealer(deps.secretKey), importDir: deps.importDir, timeoutMs: deps.connectTimeoutMs },
  );
  let hostKey: string | undefined;
  try {
    const source = await openFileSource(settings);
    try {
      const listed = await source.list();
      const taken = completeFiles(listed, listed, { pattern: parsed.changes.file_pattern, doneMarker: false });
      const waiting = parsed.changes.done_marker ? taken.filter((file) => !listed.some((other) => other.name.toLowerCase() === `${file.name.toLowerCase()}.done`)).map((file) => file.name) : [];
      return { ok: true, files: taken.length, waiting };
    } finally {
      await source.close();
    }
  } catch (error) {
    if (error instanceof SourceError) {
      hostKey = error.hostKey;
      return { ok: false, code: error.code, detail: error.message, ...(hostKey ? { hostKey } : {}) };
    }
    throw error;
  }
}

/** "Run now": answers whether it started (false: an import of the source is running already) or there is no source. */
export async function runNow(deps: ImportPageDeps, companyId: number): Promise<'started' | 'running' | 'noSource'> {
  const source = await companyImportSource(deps.db, companyId);
  if (!source) return 'noSource';
  return (await runImportNow(deps, source.id)) ? 'started' : 'running';
}

export function runReport(deps: ImportPageDeps, companyId: number, runId: number): Promise<ImportRunReport | undefined> {
  return importRunReport(deps.db, companyId, runId);
}
