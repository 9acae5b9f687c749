import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Registered with the server by the worker at start (lib/temporal.ts), so
// operators can find a customer's process by plate, location or job number.
export const plateKey = defineSearchAttributeKey('Plate', SearchAttributeType.KEYWORD);
export const locationKey = defineSearchAttributeKey('Location', SearchAttributeType.KEYWORD);
export const jobNumberKey = defineSearchAttributeKey('JobNumber', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [plateKey, locationKey, jobNumberKey];
