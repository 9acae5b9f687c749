/**
 * The search attributes our workflows carry and the Signal that keeps Plate
 * current: the contract shared by workflows (workflows/searchAttributes.ts
 * followPlateChanges), the clients that start them and the worker, which
 * registers the keys with the server at start (clients/temporal.ts).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineSignal } from '@temporalio/workflow';

// Registered with the server by the worker at start, so operators can find a
// customer's process by plate, location or job number.
export const plateKey = defineSearchAttributeKey('Plate', SearchAttributeType.KEYWORD);
export const locationKey = defineSearchAttributeKey('Location', SearchAttributeType.KEYWORD);
export const jobNumberKey = defineSearchAttributeKey('JobNumber', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [plateKey, locationKey, jobNumberKey];

/** Staff corrected the vehicle's plate (a job's, a lead's): the Plate search attribute follows, normalised as lookups write it. */
export const plateChangedSignal = defineSignal<[string]>('plateChanged');
