import { ScheduleAlreadyRunning, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import {
  appointmentImportScheduleId,
  appointmentImportScheduleWorkflowType,
  appointmentImportWorkflowId,
  appointmentImportWorkflowType,
  type AppointmentImportScheduleWorkflow,
  type AppointmentImportWorkflow,
} from '../workflows/appointmentImport.contract';
import type { WorkflowDeps } from './temporal';

const action = (taskQueue: string): ScheduleOptionsStartWorkflowAction<AppointmentImportScheduleWorkflow> => ({
  type: 'startWorkflow',
  workflowType: appointmentImportScheduleWorkflowType,
  workflowId: appointmentImportScheduleId,
  taskQueue,
});

/**
 * Creates the hourly appointment import Schedule (D5/W2) unless it exists:
 * every worker calls this at start, the first one wins; never two ticks at
 * once. One left with another task queue is moved to this worker's.
 */
export async function ensureAppointmentImportSchedule(client: Client, taskQueue: string): Promise<'created' | 'moved' | 'kept'> {
  try {
    await client.schedule.create({
      scheduleId: appointmentImportScheduleId,
      spec: { intervals: [{ every: '1 hour' }] },
      action: action(taskQueue),
      policies: { overlap: 'SKIP' },
      memo: { description: 'Imports planner appointments from each company\'s CSV source (SFTP, FTP, watched folder)' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(appointmentImportScheduleId);
  const current = await handle.describe();
  if (current.action.type === 'startWorkflow' && current.action.taskQueue === taskQueue) return 'kept';
  await handle.update((previous) => ({ ...previous, action: action(taskQueue) }));
  return 'moved';
}

/**
 * "Run now" on the settings page: imports the source at once. An import of
 * it already running (the hourly one, or an earlier click) is that one:
 * answers false then.
 */
export async function runImportNow(deps: WorkflowDeps, sourceId: number): Promise<boolean> {
  try {
    await deps.temporal.workflow.start<AppointmentImportWorkflow>(appointmentImportWorkflowType, {
      workflowId: appointmentImportWorkflowId(sourceId),
      taskQueue: deps.taskQueue,
      args: [{ sourceId, trigger: 'manual' }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}

/** Whether an import of the source is running now (the page keeps re-reading its runs meanwhile). */
export async function importRunning(deps: WorkflowDeps, sourceId: number): Promise<boolean> {
  try {
    const described = await deps.temporal.workflow.getHandle(appointmentImportWorkflowId(sourceId)).describe();
    return described.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
