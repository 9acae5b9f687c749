import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type SignalDefinition } from '@temporalio/client';
import { cancelCheckinSignal, checkInWorkflowType, checkinWorkflowId, rescheduleSignal, type CheckInWorkflow } from '../workflows/checkIn.contract';
import { workflowStarted, type WorkflowDeps } from './temporal';

export type CheckinWorkflowDeps = WorkflowDeps;

/**
 * Starts an appointment's D2 check-in workflow. Starting it again is
 * harmless: a running one is kept. One that has ended (its appointment
 * began, or was cancelled) may be started afresh: it reads the appointment
 * and ends at once unless it is planned and still to come.
 */
export async function startCheckinWorkflow(deps: CheckinWorkflowDeps, appointmentId: number): Promise<void> {
  try {
    await deps.temporal.workflow.start<CheckInWorkflow>(checkInWorkflowType, {
      workflowId: checkinWorkflowId(appointmentId),
      taskQueue: deps.taskQueue,
      args: [{ appointmentId }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  await workflowStarted(deps, 'checkin', appointmentId);
}

/**
 * Tells the workflow its appointment moved (after the database has the new
 * time). If it had ended (the appointment had begun), a new one starts for
 * the new time.
 */
export async function appointmentRescheduled(deps: CheckinWorkflowDeps, appointmentId: number): Promise<void> {
  if (!(await signal(deps, appointmentId, rescheduleSignal))) await startCheckinWorkflow(deps, appointmentId);
}

/** Tells the workflow its appointment was cancelled (after the database says so): nothing more is sent. */
export async function appointmentCancelled(deps: CheckinWorkflowDeps, appointmentId: number): Promise<void> {
  await signal(deps, appointmentId, cancelCheckinSignal);
}

/** Answers false when the workflow is over already (its appointment began): nothing to move or stop there. */
async function signal(deps: CheckinWorkflowDeps, appointmentId: number, definition: SignalDefinition<[], string>): Promise<boolean> {
  try {
    await deps.temporal.workflow.getHandle(checkinWorkflowId(appointmentId)).signal(definition);
    return true;
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    return false;
  }
}
