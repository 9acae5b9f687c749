/**
 * P9/D5: one DMS datastore import per uploaded file, as web/, clients/ and
 * the worker see it (workflows/dmsImport.ts is the workflow code). The file
 * is previewed (read and merged in a transaction that is rolled back), then
 * waits for the admin: Import, a fixed mapping (previewed again), or Cancel.
 * Imported batch by batch with the cursor in the database; undone as a whole
 * by its own workflow.
 */
import type { Duration } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CsvOptions } from '../lib/csv/read';

export const dmsImportWorkflowType = 'dmsImportWorkflow';
export const dmsUndoWorkflowType = 'dmsUndoWorkflow';
export const dmsImportWorkflowId = (runId: number) => `dms-import-${runId}`;
export const dmsUndoWorkflowId = (runId: number) => `dms-undo-${runId}`;

/** How the file is read (the preview's choices): encoding, separator, decimal mark, date order, headers per field. */
export type DmsReadOptions = Omit<CsvOptions, 'maxRecordBytes'>;

export interface DmsImportInput {
  runId: number;
  /** how long the batches may go without a heartbeat before another worker takes over (tests shorten it) */
  heartbeatTimeout?: Duration;
  /** a preview nobody imports or cancels is dropped after this long (its file removed): 7 days */
  decisionTimeout?: Duration;
}

export type DmsPhase = 'previewing' | 'previewed' | 'importing' | 'done' | 'failed' | 'cancelled';

/** Where the import is (the rows done so far are in the database: import_runs, which the page reads). */
export interface DmsProgress {
  phase: DmsPhase;
  /** the file's data rows (known once it was read through) */
  rows: number | null;
}

/** Import the previewed file (an answer sent while the preview is finishing waits for it). Refused when the file cannot be imported as read, or the import is decided already. */
export const confirmUpdate = defineUpdate<void, []>('confirm');
/** Read the file again with these choices: a new preview. */
export const remapUpdate = defineUpdate<void, [DmsReadOptions]>('remap');
/** Drop the previewed file; nothing was written. */
export const cancelUpdate = defineUpdate<void, []>('cancel');
export const progressQuery = defineQuery<DmsProgress>('progress');

/** Why an update is refused: the web page words it (dms.refused.<type>). */
export const notPreviewedFailure = 'DmsNotPreviewed';
export const fileUnreadableFailure = 'DmsFileUnreadable';
/** The import is under way, over, or cancelled: nothing to decide any more. */
export const goneFailure = 'DmsGone';

export interface DmsUndoInput {
  runId: number;
  staffId: number | null;
  heartbeatTimeout?: Duration;
}

export interface DmsUndoResult {
  /** records the import added, removed */
  removed: number;
  /** records whose fields got their earlier values back */
  restored: number;
  /** records it added that are used since (a job, an appointment, a vehicle of theirs): kept */
  kept: number;
}

export type DmsImportWorkflow = (input: DmsImportInput) => Promise<DmsProgress>;
export type DmsUndoWorkflow = (input: DmsUndoInput) => Promise<DmsUndoResult>;
