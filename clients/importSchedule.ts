import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  appointmentImportScheduleId,
  appointmentImportScheduleWorkflowType,
  appointmentImportWorkflowId,
  appointmentImportWorkflowType,
  type AppointmentImportWorkflow,
} from '../workflows/appointmentImport.contract';
import { ensureSchedule } from './schedules';
import type { WorkflowDeps } from './temporal';

/**
 * The hourly appointment import Schedule (D5/W2), created by the first
 * worker at start (ensureSchedule); never two ticks at once.
 */
export function ensureAppointmentImportSchedule(client: Client, taskQueue: string): Promise<'created' | 'moved' | 'kept'> {
  return ensureSchedule(client, taskQueue, {
    scheduleId: appointmentImportScheduleId,
    every: '1 hour',
    workflowType: appointmentImportScheduleWorkflowType,
    workflowId: appointmentImportScheduleId,
    description: "Imports planner appointments from each company's CSV source (SFTP, FTP, watched folder)",
  });
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
