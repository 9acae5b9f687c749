import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startPostgres } from '../../lib/postgres';
import { freePorts, startMailCatcher, startTemporal, type Service } from '../../lib/stack';
import { quietLogger } from '../../scripts/build';
import { workflowsPath } from '../../worker';
import type { Infrastructure } from './harness';

export interface RunningInfrastructure extends Infrastructure {
  mailApiUrl: string;
  stop(): Promise<void>;
}

/**
 * The real servers for a test run, a benchmark or a recording: PostgreSQL,
 * the Temporal dev server and the mail catcher, plus the workflow bundle
 * built once. DATABASE_URL (an account that may create databases) and
 * TEMPORAL_ADDRESS point at existing servers instead.
 */
export async function startInfrastructure(): Promise<RunningInfrastructure> {
  const services: Service[] = [];
  const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'workshop-'));
  await chmod(tmpDir, 0o755); // the postgres system user must reach its data folder
  const stop = async () => {
    for (const service of services.reverse()) await service.stop().catch((error) => console.error(error));
    await rm(tmpDir, { recursive: true, force: true });
  };
  try {
    const started = <T extends Service>(service: T) => {
      services.push(service);
      return service;
    };
    // Chosen together, so two servers never get the same one.
    const [postgresPort, temporalPort, smtpPort, webPort] = (await freePorts(4)) as [number, number, number, number];
    // All settled before a failure is thrown, so every server that did start is stopped with the others.
    const settled = await Promise.allSettled([
      process.env.DATABASE_URL
        ? undefined
        : startPostgres({ dataDir: path.join(tmpDir, 'postgres'), port: postgresPort, persistent: false, fast: true }).then(started),
      process.env.TEMPORAL_ADDRESS ? undefined : startTemporal({ port: temporalPort }).then(started),
      startMailCatcher({ smtpPort, webPort }).then(started),
    ] as const);
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
    const [postgres, temporal, mail] = settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as [
      Awaited<ReturnType<typeof startPostgres>> | undefined,
      Awaited<ReturnType<typeof startTemporal>> | undefined,
      Awaited<ReturnType<typeof startMailCatcher>>,
    ];
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
    const workflowBundlePath = path.join(tmpDir, 'workflow-bundle.js');
    await writeFile(workflowBundlePath, code);
    return {
      databaseAdminUrl: process.env.DATABASE_URL ?? postgres!.adminUrl,
      temporalAddress: process.env.TEMPORAL_ADDRESS ?? temporal!.address,
      smtpUrl: mail.smtpUrl,
      mailApiUrl: `${mail.webUrl}/api`,
      workflowBundlePath,
      tmpDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
