/**
 * D5/W2: planner appointments from CSV files. Every hour the Schedule
 * (clients/importSchedule.ts) starts appointmentImportScheduleWorkflow, which
 * starts one appointmentImportWorkflow per enabled source; staff's "Run now"
 * starts the same one for their source. It takes the source's complete new
 * files, then imports each one batch by batch in a heartbeating activity
 * whose cursor lives in the database: a retry, or another worker after this
 * one was killed, resumes after the last committed batch.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ActivityFailure, ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { createImportActivities } from '../activities/imports';
import {
  appointmentImportWorkflowId,
  type AppointmentImportInput,
  type AppointmentImportResult,
  type FileImportSummary,
  type ScheduledImportResult,
} from './appointmentImport.contract';

type ImportActivities = ReturnType<typeof createImportActivities>;

const sources = proxyActivities<ImportActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

/** The Schedule's tick: one import per enabled source, each its own workflow (one per source at a time). */
export async function appointmentImportScheduleWorkflow(): Promise<ScheduledImportResult> {
  const due = await sources.importSourcesDue();
  const started: number[] = [];
  const running: number[] = [];
  const children = [];
  for (const sourceId of due) {
    try {
      children.push(
        await startChild(appointmentImportWorkflow, {
          workflowId: appointmentImportWorkflowId(sourceId),
          args: [{ sourceId, trigger: 'schedule' }],
          // An import goes on even if this tick's workflow is ended (a long file).
          parentClosePolicy: ParentClosePolicy.ABANDON,
        }),
      );
      started.push(sourceId);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      running.push(sourceId);
    }
  }
  // One source's failure is that source's report; the others are not held up by it.
  await Promise.allSettled(children.map((child) => child.result()));
  return { started, running };
}

/** One source: take its complete new files, import each; the report is in the database (import_runs). */
export async function appointmentImportWorkflow({ sourceId, trigger, heartbeatTimeout = '1 minute' }: AppointmentImportInput): Promise<AppointmentImportResult> {
  const taking = proxyActivities<ImportActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout,
    retry: { initialInterval: '10 seconds', maximumInterval: '2 minutes', maximumAttempts: 5 },
  });
  const importing = proxyActivities<ImportActivities>({
    startToCloseTimeout: '4 hours',
    heartbeatTimeout,
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 10 },
  });

  const runIds = await taking.takeCompleteFiles({ sourceId, trigger });
  const files: FileImportSummary[] = [];
  for (const runId of runIds) {
    try {
      files.push(await importing.importTakenFile({ runId }));
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      // Its retries spent (the database gone for long): the report says so; the other files still come.
      await sources.abandonTakenFile({ runId, detail: error.cause?.message ?? error.message });
    }
  }
  return { files };
}
