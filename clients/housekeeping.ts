import type { Client } from '@temporalio/client';
import { housekeepingWorkflowType } from '../workflows/housekeeping.contract';
import { ensureSchedule } from './schedules';

export const housekeepingScheduleId = 'housekeeping';

/** The housekeeping Schedule (every 6 hours, never two runs at once), created by the first worker (ensureSchedule). */
export function ensureHousekeepingSchedule(client: Client, taskQueue: string): Promise<'created' | 'moved' | 'kept'> {
  return ensureSchedule(client, taskQueue, { scheduleId: housekeepingScheduleId, every: '6 hours', workflowType: housekeepingWorkflowType, workflowId: 'housekeeping' });
}
