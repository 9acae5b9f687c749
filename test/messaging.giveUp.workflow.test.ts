import { activityDeps } from '../activities';
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMailTransport } from '../activities/mail/transport';
import { findInvitationJob, resolveTemplate } from '../db/communicationTemplates';
import { queueMessage } from '../db/messages';
import { createI18n } from '../lib/i18n';
import { freePort, temporalTestServerPath } from '../lib/stack';
import { createWorker } from '../worker';
import { invitationMessageKey, invitationWorkflow, invitationWorkflowId } from '../workflows/invitation';
import { messageWorkflow, messageWorkflowId } from '../workflows/message';
import { messageDeliveryRetry } from '../workflows/retry';
import { createJob, createLocation, createStaff } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';
import { startStandIn, type StandIn } from './support/standIn';

/**
 * A message whose mail server or SMS gateway stays down through every retry
 * (hours of back-off, skipped by Temporal's time-skipping test server): the
 * outbox row ends failed with the last error met, and staff see "Not
 * delivered" instead of "Sending" for ever.
 */
describe('messages given up after their retries (time-skipping server, real PostgreSQL)', () => {
  let platform: Platform;
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let gateway: StandIn;
  const taskQueue = `give-up-${randomUUID()}`;

  beforeAll(async () => {
    platform = await startPlatform();
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
    gateway = await startStandIn('/sms', (res) => res.writeHead(503).end('maintenance'));
    const deadSmtp = createMailTransport(`smtp://127.0.0.1:${await freePort()}`);
    const config = { ...platform.config, SMS_PROVIDER: 'http' as const, SMS_GATEWAY_URL: gateway.url, SMS_GATEWAY_TOKEN: 'gw-token' };
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      deps: activityDeps(config, { db: platform.db, transport: deadSmtp, i18n: await createI18n(), temporal: env.client, taskQueue }),
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    running = worker.run();
  }, 120_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    await gateway?.close();
    await platform?.close();
  });

  const row = (key: string) => platform.db('sent_messages').where({ idempotency_key: key }).first();

  it('an SMS the gateway never takes ends failed with the gateway\'s last answer, after every attempt', async () => {
    const key = `test-${randomUUID()}:sms`;
    await queueMessage(platform.db, { idempotencyKey: key, kind: 'appointment_confirmation', channel: 'sms', recipient: '0470 12 34 56', subject: '', body: 'Uw afspraak is bevestigd.' });
    const run = env.client.workflow.execute(messageWorkflow, { workflowId: messageWorkflowId(key), taskQueue, args: [key] });
    await expect(run).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(gateway.received.filter((request) => request.body && (request.body as { reference?: string }).reference === key)).toHaveLength(
      messageDeliveryRetry.maximumAttempts,
    );
    expect(await row(key)).toMatchObject({ status: 'failed', error: expect.stringMatching(/503/), sent_at: null });
  });

  it('an invitation whose mail server stays down ends failed, and the job page says it was not delivered (P7)', async () => {
    const { companyId, location } = await createLocation(platform.db);
    const fixture = await createJob(platform.db, location);
    const job = (await findInvitationJob(platform.db, companyId, fixture.job_number))!;
    const template = (await resolveTemplate(platform.db, companyId, 'builtin:follow-repair:en'))!;
    // Started as queueInvitation does, without its search attributes (the test server has none).
    const invitationId = randomUUID();
    const { ref, name, language, subject, body } = template;
    const run = env.client.workflow.execute(invitationWorkflow, {
      workflowId: invitationWorkflowId(invitationId),
      taskQueue,
      args: [{ invitationId, jobId: job.id, template: { ref, name, language, subject, body } }],
    });
    await expect(run).rejects.toBeInstanceOf(WorkflowFailedError);
    const key = invitationMessageKey(invitationId);
    expect(await row(key)).toMatchObject({ status: 'failed', error: expect.stringMatching(/ECONNREFUSED/), sent_at: null });

    const advisor = await createStaff(platform.db, companyId, 'service_advisor');
    const staff = httpClient(platform.baseUrl);
    await staff.login(advisor.email, advisor.password);
    const list = await staff.page(`/staff/jobs/${encodeURIComponent(job.job_number)}/messages?lang=en`);
    expect(list.status).toBe(200);
    expect(list.html).toContain('Not delivered');
    expect(list.html).toContain('ECONNREFUSED');
    expect(list.html).not.toContain('hx-trigger'); // nothing on its way: the list stops polling
  });
});
