import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { activityDeps, createActivities, type ActivityDeps } from './activities';
import { createMailTransport } from './activities/mail/transport';
import { createDb, migrate } from './db/knex';
import { fromRoot } from './lib/appRoot';
import { ConfigError, loadConfig } from './lib/config';
import { createI18n } from './lib/i18n';
import { createLogger, type Logger } from './lib/logger';
import { ensureHousekeepingSchedule } from './clients/housekeeping';
import { ensureAppointmentImportSchedule } from './clients/importSchedule';
import { createTemporalClient, ensureSearchAttributes } from './clients/temporal';
import { ensureWorkflowStartsSchedule } from './clients/workflowStarts';

/** The workflows' source, which the worker bundles with webpack when it runs from source (tsx worker.ts). */
export const workflowsPath = fromRoot('workflows', 'index.ts');
/** The workflow bundle `npm run build` prepares (scripts/build.ts), which the compiled worker (dist/worker.js) loads. */
export const prebuiltWorkflowBundlePath = fromRoot('dist', 'workflow-bundle.js');
/** Whether this is the compiled worker (dist/worker.js) rather than worker.ts under tsx or vitest. */
const compiled = fileURLToPath(import.meta.url).endsWith('.js');

/**
 * The workflow code the worker runs: the bundle prepared at build time when
 * compiled (so it starts without webpack), otherwise bundled from source at start.
 */
export function defaultWorkflowCode(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (!compiled) return { workflowsPath };
  if (!existsSync(prebuiltWorkflowBundlePath)) {
    throw new Error(`the workflow bundle ${prebuiltWorkflowBundlePath} is missing: run npm run build`);
  }
  return { workflowBundle: { codePath: prebuiltWorkflowBundlePath } };
}

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** a pre-built bundle (tests build it once per run); otherwise defaultWorkflowCode() */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** Builds the worker the same way in production and in tests. */
export async function createWorker({ connection, namespace, taskQueue, deps, workflowBundle }: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: createActivities(deps),
    ...(workflowBundle ? { workflowBundle } : defaultWorkflowCode()),
  });
}

/**
 * The worker's own Schedules, created by the first worker to start. Costs
 * the same however many leads, appointments and jobs there are: the rows
 * that need a workflow are the workflow-start sweep's (every minute, from
 * the outbox db/workflowStarts.ts), not the start-up's.
 */
export async function ensureSchedules(client: Client, taskQueue: string, log: Logger): Promise<void> {
  const housekeeping = await ensureHousekeepingSchedule(client, taskQueue);
  if (housekeeping !== 'kept') log.info(`housekeeping schedule ${housekeeping} (every 6 hours, task queue "${taskQueue}")`);
  const imports = await ensureAppointmentImportSchedule(client, taskQueue);
  if (imports !== 'kept') log.info(`appointment import schedule ${imports} (every hour, task queue "${taskQueue}")`);
  const starts = await ensureWorkflowStartsSchedule(client, taskQueue);
  if (starts !== 'kept') log.info(`workflow-start sweep schedule ${starts} (every minute, task queue "${taskQueue}")`);
}

async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, 'worker');
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  await migrate(db);
  const client = await createTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  await ensureSearchAttributes(client, config.TEMPORAL_NAMESPACE, log);

  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const transport = createMailTransport(config.SMTP_URL);
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: activityDeps(config, { db, transport, i18n: await createI18n(), temporal: client }),
  });
  await ensureSchedules(client, config.TEMPORAL_TASK_QUEUE, log);
  log.info(`worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS}; SMS provider: ${config.SMS_PROVIDER}`);
  await worker.run(); // returns after SIGINT/SIGTERM once in-flight tasks finish
  transport.close();
  await Promise.allSettled([db.destroy(), connection.close(), client.connection.close()]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
}
