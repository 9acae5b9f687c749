import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  cancelUpdate,
  confirmUpdate,
  dmsImportWorkflowId,
  dmsImportWorkflowType,
  dmsUndoWorkflowId,
  dmsUndoWorkflowType,
  fileUnreadableFailure,
  goneFailure,
  notPreviewedFailure,
  remapUpdate,
  type DmsImportWorkflow,
  type DmsReadOptions,
  type DmsUndoWorkflow,
} from '../workflows/dmsImport.contract';
import type { WorkflowDeps } from './temporal';

/** Why the workflow refused what the page asked: the page words it (dms.refused.<code>). */
export type DmsRefusal = 'notPreviewed' | 'fileUnreadable' | 'gone';
export type DmsAnswer = { ok: true } | { ok: false; refusal: DmsRefusal };

/** P9/D5: an uploaded file's import starts: its workflow previews it and waits for the admin. */
export async function startDmsImport(deps: WorkflowDeps, runId: number): Promise<void> {
  await deps.temporal.workflow.start<DmsImportWorkflow>(dmsImportWorkflowType, {
    workflowId: dmsImportWorkflowId(runId),
    taskQueue: deps.taskQueue,
    args: [{ runId }],
  });
}

/** The workflow's refusal types (workflows/dmsImport.contract.ts) as the page's. */
const refusals: Partial<Record<string, DmsRefusal>> = { [notPreviewedFailure]: 'notPreviewed', [fileUnreadableFailure]: 'fileUnreadable', [goneFailure]: 'gone' };

async function ask(deps: WorkflowDeps, runId: number, send: (handle: ReturnType<WorkflowDeps['temporal']['workflow']['getHandle']>) => Promise<void>): Promise<DmsAnswer> {
  try {
    await send(deps.temporal.workflow.getHandle(dmsImportWorkflowId(runId)));
    return { ok: true };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { ok: false, refusal: 'gone' };
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    const refusal = cause instanceof ApplicationFailure && cause.type ? refusals[cause.type] : undefined;
    if (refusal) return { ok: false, refusal };
    // The workflow ended (cancelled, expired) between the page and the click.
    if (error instanceof Error && /workflow execution already completed/i.test(error.message)) return { ok: false, refusal: 'gone' };
    throw error;
  }
}

/** *Import*: the previewed file is imported (answers once the workflow took it; the page then shows the progress). */
export function confirmDmsImport(deps: WorkflowDeps, runId: number): Promise<DmsAnswer> {
  return ask(deps, runId, (handle) => handle.executeUpdate(confirmUpdate));
}

/** A fixed mapping (or encoding, separator, decimal mark, date order): the file is previewed again with it. */
export function remapDmsImport(deps: WorkflowDeps, runId: number, options: DmsReadOptions): Promise<DmsAnswer> {
  return ask(deps, runId, (handle) => handle.executeUpdate(remapUpdate, { args: [options] }));
}

/** *Cancel* on the preview: nothing was written; the file goes. */
export function cancelDmsImport(deps: WorkflowDeps, runId: number): Promise<DmsAnswer> {
  return ask(deps, runId, (handle) => handle.executeUpdate(cancelUpdate));
}

/** Undo a finished import as a whole; one undo per run (a second click finds it running or done). */
export async function undoDmsImport(deps: WorkflowDeps, runId: number, staffId: number | null): Promise<'started' | 'running'> {
  try {
    await deps.temporal.workflow.start<DmsUndoWorkflow>(dmsUndoWorkflowType, {
      workflowId: dmsUndoWorkflowId(runId),
      taskQueue: deps.taskQueue,
      args: [{ runId, staffId }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return 'started';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'running';
    throw error;
  }
}
