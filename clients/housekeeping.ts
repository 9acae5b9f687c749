import { ScheduleAlreadyRunning, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import { housekeepingWorkflowType, type HousekeepingWorkflow } from '../workflows/housekeeping.contract';

export const housekeepingScheduleId = 'housekeeping';

const action = (taskQueue: string): ScheduleOptionsStartWorkflowAction<HousekeepingWorkflow> => ({
  type: 'startWorkflow',
  workflowType: housekeepingWorkflowType,
  workflowId: 'housekeeping',
  taskQueue,
});

/**
 * Creates the housekeeping Schedule (every 6 hours, never two runs at once)
 * unless it exists: every worker calls this at start, the first one wins.
 * One left with another task queue (TEMPORAL_TASK_QUEUE changed) is moved
 * to this worker's, or nobody would run it. Answers what it did.
 */
export async function ensureHousekeepingSchedule(client: Client, taskQueue: string): Promise<'created' | 'moved' | 'kept'> {
  try {
    await client.schedule.create({
      scheduleId: housekeepingScheduleId,
      spec: { intervals: [{ every: '6 hours' }] },
      action: action(taskQueue),
      policies: { overlap: 'SKIP' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(housekeepingScheduleId);
  const current = await handle.describe();
  if (current.action.type === 'startWorkflow' && current.action.taskQueue === taskQueue) return 'kept';
  await handle.update((previous) => ({ ...previous, action: action(taskQueue) }));
  return 'moved';
}
