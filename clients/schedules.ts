import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';

export interface RecurringWorkflow {
  scheduleId: string;
  /** how often, as Temporal reads it: '1 hour', '6 hours' */
  every: Duration;
  workflowType: string;
  workflowId: string;
  /** what the Web UI shows beside the Schedule */
  description?: string;
}

/**
 * Creates a Schedule that starts `workflowType` every `every`, never two runs
 * at once, unless it exists: every worker calls this at start and the first
 * one wins. One left with another task queue (TEMPORAL_TASK_QUEUE changed) is
 * moved to this worker's, or nobody would run it. Answers what it did.
 */
export async function ensureSchedule(client: Client, taskQueue: string, recurring: RecurringWorkflow): Promise<'created' | 'moved' | 'kept'> {
  const action = { type: 'startWorkflow' as const, workflowType: recurring.workflowType, workflowId: recurring.workflowId, taskQueue };
  try {
    await client.schedule.create({
      scheduleId: recurring.scheduleId,
      spec: { intervals: [{ every: recurring.every }] },
      action,
      policies: { overlap: 'SKIP' },
      ...(recurring.description && { memo: { description: recurring.description } }),
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(recurring.scheduleId);
  const current = await handle.describe();
  if (current.action.type === 'startWorkflow' && current.action.taskQueue === taskQueue) return 'kept';
  await handle.update((previous) => ({ ...previous, action }));
  return 'moved';
}
