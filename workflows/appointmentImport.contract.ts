/**
 * D5/W2: the hourly import of planner appointments from CSV files, as
 * web/, clients/ and the worker's schedule see it (workflows/appointmentImport.ts
 * is the workflow code).
 */
import type { Duration } from '@temporalio/common';
import type { FileImportSummary } from '../activities/imports';

export type { FileImportSummary };

/** The Temporal Schedule (visible in the Web UI) that starts the fan-out every hour. */
export const appointmentImportScheduleId = 'appointment-import';
export const appointmentImportScheduleWorkflowType = 'appointmentImportScheduleWorkflow';
export const appointmentImportWorkflowType = 'appointmentImportWorkflow';

/** One source's import at a time: the schedule's child and "Run now" share this id. */
export const appointmentImportWorkflowId = (sourceId: number) => `appointment-import-source-${sourceId}`;

export interface AppointmentImportInput {
  sourceId: number;
  trigger: 'schedule' | 'manual';
  /** how long the file import may go without a heartbeat before another worker takes over (tests shorten it) */
  heartbeatTimeout?: Duration;
}

export interface AppointmentImportResult {
  files: FileImportSummary[];
}

export interface ScheduledImportResult {
  /** sources whose import was started by this tick */
  started: number[];
  /** sources whose import was running already ("Run now") */
  running: number[];
}

export type AppointmentImportWorkflow = (input: AppointmentImportInput) => Promise<AppointmentImportResult>;
export type AppointmentImportScheduleWorkflow = () => Promise<ScheduledImportResult>;
