import { activityDeps } from '../../activities';
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { expect, inject } from 'vitest';
import { createMailTransport } from '../../activities/mail/transport';
import { createI18n } from '../../lib/i18n';
import type { MessagingConfig } from '../../lib/messaging';
import { createWorker } from '../../worker';
import type { Platform } from './platform';

/** The reason a workflow failed: the activity's ApplicationFailure type (the test fails unless the workflow did). */
export async function failureType(result: Promise<unknown>): Promise<string | undefined> {
  const error = await result.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause?.cause;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/**
 * A second worker on its own task queue whose channels follow other settings
 * (an SMS gateway, no SMS, the WhatsApp Cloud API), as another deployment
 * would have; `run` gets its task queue and the worker stops when it ends.
 */
export async function withMessagingWorker<T>(platform: Platform, channels: Partial<MessagingConfig>, run: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `messaging-${randomUUID()}`;
  const connection = await NativeConnection.connect({ address: platform.config.TEMPORAL_ADDRESS });
  const transport = createMailTransport(platform.config.SMTP_URL);
  try {
    const worker = await createWorker({
      connection,
      namespace: platform.config.TEMPORAL_NAMESPACE,
      taskQueue,
      deps: activityDeps({ ...platform.config, ...channels }, { db: platform.db, transport, i18n: await createI18n(), temporal: platform.temporal, taskQueue }),
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    return await worker.runUntil(run(taskQueue));
  } finally {
    transport.close();
    await connection.close();
  }
}
