/**
 * P9/D5: one DMS datastore import per uploaded file (dms-import-<run id>).
 * Previews the file, then waits for the admin: *Import*, a changed mapping
 * or reading (previewed again), or *Cancel*; a preview nobody decides on is
 * dropped after a week. The import itself is one heartbeating activity
 * whose cursor lives in the database: a retry, or another worker after this
 * one was killed, resumes after the last committed batch. Undo is its own
 * workflow (dms-undo-<run id>), started from the history.
 */
import { ActivityFailure, ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createDmsImportActivities } from '../activities/dmsImport';
import {
  cancelUpdate,
  confirmUpdate,
  fileUnreadableFailure,
  goneFailure,
  notPreviewedFailure,
  progressQuery,
  remapUpdate,
  type DmsImportInput,
  type DmsPhase,
  type DmsProgress,
  type DmsReadOptions,
  type DmsUndoInput,
  type DmsUndoResult,
} from './dmsImport.contract';

type DmsActivities = ReturnType<typeof createDmsImportActivities>;

const quick = proxyActivities<DmsActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});

type Decision = { kind: 'confirm' } | { kind: 'cancel' } | { kind: 'remap'; options: DmsReadOptions };

export async function dmsImportWorkflow({ runId, heartbeatTimeout = '1 minute', decisionTimeout = '7 days' }: DmsImportInput): Promise<DmsProgress> {
  const reading = proxyActivities<DmsActivities>({
    startToCloseTimeout: '4 hours',
    heartbeatTimeout,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
  });

  let phase: DmsPhase = 'previewing';
  let readable = false;
  let rows: number | null = null;
  let decision: Decision | undefined;
  const progress = (): DmsProgress => ({ phase, rows });
  setHandler(progressQuery, progress);

  // The page shows the preview once the activity stored it, a moment before this workflow hears it is done: an
  // answer sent meanwhile waits for it rather than being refused. The validators refuse only what can never be taken:
  // a decision already made, an import under way or over (gone).
  const open = () => {
    if (phase !== 'previewing' && phase !== 'previewed') throw ApplicationFailure.create({ type: goneFailure, message: `DMS import ${runId} is ${phase}`, nonRetryable: true });
    if (decision) throw ApplicationFailure.create({ type: notPreviewedFailure, message: `DMS import ${runId} has its decision`, nonRetryable: true });
  };
  /** Once the preview is there: sets the decision and answers when the workflow acted on it. */
  const decide = async (chosen: Decision) => {
    await condition(() => phase !== 'previewing');
    open();
    if (chosen.kind === 'confirm' && !readable) throw ApplicationFailure.create({ type: fileUnreadableFailure, message: 'the file cannot be imported as it is read now', nonRetryable: true });
    decision = chosen;
    await condition(() => phase !== 'previewed');
  };
  setHandler(confirmUpdate, () => decide({ kind: 'confirm' }), { validator: open });
  setHandler(remapUpdate, (options: DmsReadOptions) => decide({ kind: 'remap', options }), { validator: (_options: DmsReadOptions) => open() });
  setHandler(cancelUpdate, () => decide({ kind: 'cancel' }), { validator: open });

  for (;;) {
    phase = 'previewing';
    ({ readable, rows } = await reading.previewDmsFile({ runId }));
    phase = 'previewed';
    const decided = await condition(() => decision !== undefined, decisionTimeout);
    const chosen = decision;
    decision = undefined;
    if (!decided || !chosen || chosen.kind === 'cancel') {
      await quick.cancelDmsFile({ runId, reason: decided ? 'cancelled' : 'expired' });
      phase = 'cancelled';
      return progress();
    }
    if (chosen.kind === 'confirm') break;
    await quick.setDmsOptions({ runId, options: chosen.options });
  }

  await quick.beginDmsImport({ runId });
  phase = 'importing';
  try {
    ({ rows } = await reading.importDmsFile({ runId }));
    phase = 'done';
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await quick.abandonDmsFile({ runId, detail: error.cause?.message ?? error.message });
    phase = 'failed';
  }
  return progress();
}

/** Undo of a finished DMS import as a whole (db/dmsUndo.ts), resumable batch by batch. */
export async function dmsUndoWorkflow({ runId, staffId, heartbeatTimeout = '1 minute' }: DmsUndoInput): Promise<DmsUndoResult> {
  const undoing = proxyActivities<DmsActivities>({
    startToCloseTimeout: '4 hours',
    heartbeatTimeout,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 20 },
  });
  return undoing.undoDmsRun({ runId, staffId });
}
