import type { Knex } from 'knex';
import { saveJobState } from '../db/jobs';
import type { JobSnapshot } from '../workflows/jobLifecycle.contract';

export function createJobActivities({ db }: { db: Knex }) {
  return {
    /** Writes the workflow's state to the jobs row and tells open status pages (LISTEN/NOTIFY). Idempotent. */
    async recordJobState(jobId: number, job: JobSnapshot): Promise<void> {
      await saveJobState(db, jobId, job);
    },
  };
}
