/**
 * Housekeeping, as the worker's Schedule (clients/housekeeping.ts) sees it:
 * workflows/housekeeping.ts is the workflow.
 */
import type { HousekeepingResult } from '../activities/housekeeping';

export type { HousekeepingResult };

/** Left alone this long first: a customer may still be in the wizard (its session lasts less). */
export const abandonedAfterMs = 24 * 60 * 60 * 1000;

export const housekeepingWorkflowType = 'housekeepingWorkflow';
export type HousekeepingWorkflow = () => Promise<HousekeepingResult>;
