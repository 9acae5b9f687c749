import type { Knex } from 'knex';
import { importAppointments, type ImportedAppointment, type ImportOptions, type ImportOutcome } from '../db/appointmentImport';
import { appointmentCancelled, appointmentRescheduled, startCheckinWorkflow, type CheckinWorkflowDeps } from './checkinWorkflow';

export interface AppointmentImportDeps extends CheckinWorkflowDeps {
  db: Knex;
}

/**
 * W2: imports planner appointments (db/appointmentImport.ts, one transaction
 * per row) and then tells each one's D2 check-in workflow (W1 reminder) what
 * happened: started for an added one (and made sure of for an unchanged one
 * still to come), moved, or cancelled. The API push and the CSV import both
 * come here. A workflow call that fails after the rows are committed throws:
 * the caller's retry finds the rows unchanged and starts what is missing.
 */
export async function importPlannerAppointments(
  deps: AppointmentImportDeps,
  companyId: number,
  rows: ImportedAppointment[],
  options: ImportOptions,
): Promise<ImportOutcome[]> {
  const outcomes = await importAppointments(deps.db, companyId, rows, options);
  for (const { appointmentId, checkin } of outcomes) {
    if (appointmentId === undefined || !checkin) continue;
    if (checkin === 'start') await startCheckinWorkflow(deps, appointmentId);
    else if (checkin === 'rescheduled') await appointmentRescheduled(deps, appointmentId);
    else await appointmentCancelled(deps, appointmentId);
  }
  return outcomes;
}
