/**
 * P9/D5: the DMS datastore import's records. A run is an import_runs row
 * (the one import history, shared with the planner's files) of kind
 * dms_customers or dms_vehicles; this module creates and reads those runs,
 * and merges a batch of a file's rows into the one customer file and vehicle
 * master (db/dmsMerge.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DecimalMark } from '../lib/csv/numbers';
import type { DateOrder } from '../lib/csv/dates';
import type { Encoding } from '../lib/csv/decode';
import type { RowError } from '../lib/csv/errors';
import type { CsvOptions } from '../lib/csv/read';
import type { Separator } from '../lib/csv/separator';
import type { DmsKind, DmsMode } from './dmsSources';
import type { ImportRun } from './imports';

export type { DmsKind, DmsMode };

export interface DmsCounts {
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/**
 * The preview (stored with the run, shown before anything is written): how
 * the columns map, the first rows as they will be stored, and what the
 * import would do — counted by running it in a transaction that is rolled
 * back, so the counts are the import's own.
 */
export interface DmsPreview {
  /** our fields in order, with the file's header that fills each (null: none) */
  fields: { name: string; required: boolean; header: string | null }[];
  /** the file's headers in its order (the mapping's choices); empty when the header line could not be read */
  headers: string[];
  /** headers no field takes (ignored) */
  unused: string[];
  /** what was detected or chosen */
  read: { encoding: Encoding; bom: boolean; separator: Separator; decimalMark: DecimalMark; dateOrders: Record<string, DateOrder> } | null;
  /** the first rows as they will be stored: field → text */
  sample: { line: number; values: Record<string, string> }[];
  counts: DmsCounts;
  /** field → in how many records the import changes it (full mode) */
  updatedFields: Record<string, number>;
  /** the first failing lines */
  errors: RowError[];
  /** the file cannot be imported as it is read now (imports.file.<code>): fix the options and preview again */
  fileError: { code: string; detail: string; columns: string[] } | null;
}

export interface DmsRun extends ImportRun {
  kind: 'dms_customers' | 'dms_vehicles';
  mode: DmsMode;
  dms_source_id: number | null;
  staff_id: number | null;
  options: Omit<CsvOptions, 'maxRecordBytes'>;
  preview: DmsPreview | null;
  undone_at: Date | null;
  undone_by: number | null;
  undo_counts: { removed: number; restored: number; kept: number } | null;
}

/** A run as the history shows it: who, and from which DMS. */
export interface DmsRunItem extends DmsRun {
  staff_name: string | null;
  source_name: string | null;
}

export const dmsKindOf = (run: Pick<DmsRun, 'kind'>): DmsKind => (run.kind === 'dms_customers' ? 'customers' : 'vehicles');

export interface NewDmsRun {
  companyId: number;
  staffId: number | null;
  kind: DmsKind;
  mode: DmsMode;
  sourceId: number;
  fileName: string;
  size: number;
  sha256: string;
  options: Omit<CsvOptions, 'maxRecordBytes'>;
}

/** An uploaded file's run, to be previewed (its workflow starts next: clients/dmsImport.ts). */
export async function createDmsRun(db: Knex, run: NewDmsRun): Promise<DmsRun> {
  const [created] = await db('import_runs')
    .insert({
      company_id: run.companyId,
      staff_id: run.staffId,
      kind: run.kind === 'customers' ? 'dms_customers' : 'dms_vehicles',
      mode: run.mode,
      dms_source_id: run.sourceId,
      // one run per upload: the row's own id names its workflow, this only has to be unique
      workflow_run: `upload/${randomUUID()}`,
      trigger: 'manual',
      file_name: run.fileName.slice(0, 255),
      size: run.size,
      sha256: run.sha256,
      status: 'previewing',
      options: JSON.stringify(run.options),
    })
    .returning('*');
  return created;
}

const runItems = (db: Knex, companyId: number) =>
  db('import_runs as r')
    .leftJoin('staff_users as s', 's.id', 'r.staff_id')
    .leftJoin('dms_sources as d', 'd.id', 'r.dms_source_id')
    .where('r.company_id', companyId)
    .whereIn('r.kind', ['dms_customers', 'dms_vehicles'])
    .select('r.*', 's.name as staff_name', 'd.name as source_name');

/** The company's DMS imports, newest first. */
export async function listDmsRuns(db: Knex, companyId: number, limit = 50): Promise<DmsRunItem[]> {
  return runItems(db, companyId).orderBy('r.id', 'desc').limit(limit);
}

export async function findDmsRun(db: Knex, companyId: number, runId: number): Promise<DmsRunItem | undefined> {
  return runItems(db, companyId).where('r.id', runId).first();
}

/** The run of this id whatever its company (activities; the run id came from our own workflow). */
export async function loadDmsRun(db: Knex | Knex.Transaction, runId: number): Promise<DmsRun | undefined> {
  return db('import_runs').where({ id: runId }).whereIn('kind', ['dms_customers', 'dms_vehicles']).first();
}
