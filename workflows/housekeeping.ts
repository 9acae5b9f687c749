/**
 * Housekeeping: a Temporal Schedule (created by the worker at start, see
 * clients/housekeeping.ts) runs this every few hours. It removes uploads nobody
 * will use: estimate wizard photos never sent, parts of interrupted uploads.
 * Check-in files are the check-in workflow's own (D2).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createHousekeepingActivities, HousekeepingResult } from '../activities/housekeeping';
import { abandonedAfterMs } from './housekeeping.contract';

const housekeeping = proxyActivities<ReturnType<typeof createHousekeepingActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

export async function housekeepingWorkflow(): Promise<HousekeepingResult> {
  return housekeeping.discardAbandonedUploads(abandonedAfterMs);
}
