import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { housekeepingWorkflow } from '../workflows/housekeeping';

export const housekeepingScheduleId = 'housekeeping';

/**
 * Creates the housekeeping Schedule (every 6 hours, never two runs at once)
 * unless it exists: every worker calls this at start, the first one wins.
 * Answers whether it was created now.
 */
export async function ensureHousekeepingSchedule(client: Client, taskQueue: string): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId: housekeepingScheduleId,
      spec: { intervals: [{ every: '6 hours' }] },
      action: { type: 'startWorkflow', workflowType: housekeepingWorkflow, workflowId: 'housekeeping', taskQueue },
      policies: { overlap: 'SKIP' },
    });
    return true;
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return false;
    throw error;
  }
}
