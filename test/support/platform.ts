import { inject } from 'vitest';
import { startPlatformOn, type Platform } from './harness';

export type { Platform };

/** The platform for one test file, on the run's shared servers. */
export function startPlatform(env: Record<string, string> = {}): Promise<Platform> {
  return startPlatformOn(
    {
      databaseAdminUrl: inject('databaseAdminUrl'),
      temporalAddress: inject('temporalAddress'),
      smtpUrl: inject('smtpUrl'),
      workflowBundlePath: inject('workflowBundlePath'),
      tmpDir: inject('tmpDir'),
    },
    env,
  );
}
