import type { Client } from '@temporalio/client';
import { workflowStartsWorkflowType } from '../workflows/workflowStarts.contract';
import { ensureSchedule } from './schedules';

export const workflowStartsScheduleId = 'workflow-starts';

/**
 * The workflow-start sweep's Schedule (every minute, never two runs at once),
 * created by the first worker (ensureSchedule). It replaces the scans of
 * every lead, appointment and job the worker made at each start.
 */
export async function ensureWorkflowStartsSchedule(client: Client, taskQueue: string): Promise<'created' | 'moved' | 'kept'> {
  const outcome = await ensureSchedule(client, taskQueue, {
    scheduleId: workflowStartsScheduleId,
    every: '1 minute',
    workflowType: workflowStartsWorkflowType,
    workflowId: 'workflow-starts',
    description: 'starts the workflows of leads, appointments and jobs whose writer could not (db/workflowStarts.ts)',
  });
  // One sweep now rather than at the next minute (the demo seed's rows, a start lost while no worker ran): one call, however many rows.
  await client.schedule.getHandle(workflowStartsScheduleId).trigger();
  return outcome;
}
