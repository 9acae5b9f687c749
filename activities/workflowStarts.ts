import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Knex } from 'knex';
import {
  dueWorkflowStarts,
  forgetWorkflowStarts,
  jobsInProgressAmong,
  newLeadsAmong,
  upcomingAppointmentsAmong,
  type WorkflowStart,
  type WorkflowStartCursor,
  type WorkflowStartKind,
} from '../db/workflowStarts';
import { startCheckinWorkflow } from '../clients/checkinWorkflow';
import { startJobLifecycle } from '../clients/jobLifecycle';
import { startLeadWorkflow } from '../clients/leadWorkflow';

export interface WorkflowStartsSweep {
  /** rows younger than this are left to the writer, which starts their workflow itself */
  graceMs: number;
  /** outbox rows read per page */
  batchRows?: number;
  /** starts in flight at once */
  concurrency?: number;
  /** the sweep stops after this long; the next one goes on */
  budgetMs?: number;
}

export interface WorkflowStartsResult {
  /** rows whose workflow now runs (started, or found running or ended as it should be) */
  started: number;
  /** rows no longer wanting one (the lead was decided, the appointment is over, the job picked up, the row deleted) */
  dropped: number;
  /** rows whose start failed: kept for the next sweep */
  failed: number;
  /** the budget ran out before the outbox did */
  more: boolean;
}

/** Runs `work` over `items`, at most `limit` at once; answers which items failed, with their errors. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<{ item: T; error: unknown }[]> {
  const failures: { item: T; error: unknown }[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item).catch((error: unknown) => failures.push({ item, error }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return failures;
}

/**
 * The worker's side of the workflow-start outbox (db/workflowStarts.ts),
 * run every minute by workflows/workflowStarts.ts: each row still wanting a
 * workflow gets it through the product's own start function (each is
 * idempotent and keeps its rules: a running workflow is kept, a decided
 * lead's or a picked-up job's ended one is never started again), then the
 * row is forgotten. Reads the outbox only, never the leads, appointments
 * or jobs it does not name.
 */
export function createWorkflowStartActivities({ db, temporal, taskQueue }: { db: Knex; temporal: Client; taskQueue: string }) {
  const deps = { db, temporal, taskQueue };
  const wanted: Record<WorkflowStartKind, (keys: number[]) => Promise<{ key: number; start: () => Promise<void> }[]>> = {
    lead: async (keys) => (await newLeadsAmong(db, keys)).map((lead) => ({ key: lead.id, start: () => startLeadWorkflow(deps, lead) })),
    checkin: async (keys) => (await upcomingAppointmentsAmong(db, keys)).map((id) => ({ key: id, start: () => startCheckinWorkflow(deps, id) })),
    job: async (keys) => (await jobsInProgressAmong(db, keys)).map((job) => ({ key: job.id, start: () => startJobLifecycle(deps, job) })),
  };

  return {
    async startOutstandingWorkflows(sweep: WorkflowStartsSweep): Promise<WorkflowStartsResult> {
      const { batchRows = 200, concurrency = 20, budgetMs = 4 * 60_000 } = sweep;
      const stopAt = Date.now() + budgetMs;
      const result: WorkflowStartsResult = { started: 0, dropped: 0, failed: 0, more: false };
      let firstError: unknown;
      let cursor: WorkflowStartCursor | undefined;
      for (;;) {
        if (Date.now() > stopAt) {
          result.more = true;
          break;
        }
        const page = await dueWorkflowStarts(db, sweep.graceMs, batchRows, cursor);
        if (page.length === 0) break;
        cursor = page[page.length - 1]!;
        const byKind = new Map<WorkflowStartKind, WorkflowStart[]>();
        for (const row of page) {
          const rows = byKind.get(row.kind);
          if (rows) rows.push(row);
          else byKind.set(row.kind, [row]);
        }
        for (const [kind, rows] of byKind) {
          const keys = rows.map((row) => row.key);
          const starts = await wanted[kind](keys);
          const failures = await eachLimited(starts, concurrency, ({ start }) => start());
          firstError ??= failures[0]?.error;
          const failed = new Set(failures.map(({ item }) => item.key));
          await forgetWorkflowStarts(db, kind, keys.filter((key) => !failed.has(key)));
          result.started += starts.length - failed.size;
          result.dropped += keys.length - starts.length;
          result.failed += failed.size;
        }
        if (page.length < batchRows) break;
      }
      if (firstError !== undefined) {
        // Kept for the next sweep; failing the activity makes it visible in the Web UI (and retries it).
        throw ApplicationFailure.retryable(`${result.failed} workflow start(s) failed (${result.started} done, ${result.dropped} dropped): ${String(firstError)}`, 'WorkflowStartsFailed');
      }
      return result;
    },
  };
}
