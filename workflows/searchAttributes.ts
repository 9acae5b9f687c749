import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineSignal, setHandler, upsertSearchAttributes } from '@temporalio/workflow';

// Registered with the server by the worker at start (lib/temporal.ts), so
// operators can find a customer's process by plate, location or job number.
export const plateKey = defineSearchAttributeKey('Plate', SearchAttributeType.KEYWORD);
export const locationKey = defineSearchAttributeKey('Location', SearchAttributeType.KEYWORD);
export const jobNumberKey = defineSearchAttributeKey('JobNumber', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [plateKey, locationKey, jobNumberKey];

/** Staff corrected the vehicle's plate (a job's, a lead's): the Plate search attribute follows, normalised as lookups write it. */
export const plateChangedSignal = defineSignal<[string]>('plateChanged');

/** In a workflow with a Plate search attribute: keeps it up to date. */
export function followPlateChanges(): void {
  setHandler(plateChangedSignal, (plate) => upsertSearchAttributes([{ key: plateKey, value: plate }]));
}
