import { activityDeps } from '../../activities';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Transporter } from 'nodemailer';
import { afterAll, beforeAll, inject } from 'vitest';
import { createMailTransport } from '../../activities/mail/transport';
import type { Config } from '../../lib/config';
import { createI18n } from '../../lib/i18n';
import { temporalTestServerPath } from '../../lib/stack';
import { createWorker } from '../../worker';
import { searchAttributeKeys } from '../../workflows/searchAttributes.contract';
import { startPlatform, type Platform } from './platform';

/** What a test changes in the worker: other settings (channels), another mail transport. */
export interface WorkerChoices {
  config?: Partial<Config>;
  transport?: Transporter;
}

/**
 * For one describe block: a platform (real PostgreSQL and SMTP), Temporal's
 * time-skipping test server, and a worker on it with the platform's
 * activities (`choose` may change its settings once the platform runs).
 * Days of timers and retry back-off pass in seconds.
 */
export function useTimeSkipping(choose: (platform: Platform) => Promise<WorkerChoices> = async () => ({})) {
  const t = { taskQueue: `time-skipping-${randomUUID()}` } as { platform: Platform; env: TestWorkflowEnvironment; taskQueue: string };
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let transport: Transporter | undefined;
  beforeAll(async () => {
    t.platform = await startPlatform();
    t.env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
    // Booking and job workflows carry our search attributes; the test server has no list call, only add.
    await t.env.client.connection.operatorService.addSearchAttributes({
      namespace: t.env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(searchAttributeKeys.map((key) => [key.name, 2 /* KEYWORD */])),
    });
    const chosen = await choose(t.platform);
    transport = chosen.transport ?? createMailTransport(t.platform.config.SMTP_URL);
    const config = { ...t.platform.config, ...chosen.config };
    worker = await createWorker({
      connection: t.env.nativeConnection,
      namespace: t.env.namespace ?? 'default',
      taskQueue: t.taskQueue,
      deps: activityDeps(config, { db: t.platform.db, transport, i18n: await createI18n(), temporal: t.env.client, taskQueue: t.taskQueue }),
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    running = worker.run();
  }, 120_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    transport?.close();
    await t.env?.teardown();
    await t.platform?.close();
  });
  return t;
}
