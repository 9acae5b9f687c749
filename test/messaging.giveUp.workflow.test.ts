import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { createMailTransport } from '../activities/mail/transport';
import { findInvitationJob, resolveTemplate } from '../db/templates';
import { queueMessage } from '../db/messages';
import { freePort } from '../lib/stack';
import { invitationMessageKey, invitationWorkflowId, invitationWorkflowType, type InvitationWorkflow } from '../workflows/invitation.contract';
import { messageDeliveryRetry, messageWorkflowId, messageWorkflowType, type MessageWorkflow } from '../workflows/message.contract';
import { createJob, createLocation, createStaff } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { startStandIn, type StandIn } from './support/standIn';
import { useTimeSkipping } from './support/timeSkipping';

/**
 * A message whose mail server or SMS gateway stays down through every retry
 * (hours of back-off, skipped by Temporal's time-skipping test server): the
 * outbox row ends failed with the last error met, and staff see "Not
 * delivered" instead of "Sending" for ever.
 */
describe('messages given up after their retries (time-skipping server, real PostgreSQL)', () => {
  let gateway: StandIn;
  const t = useTimeSkipping(async () => {
    gateway = await startStandIn('/sms', (res) => res.writeHead(503).end('maintenance'));
    return {
      config: { SMS_PROVIDER: 'http', SMS_GATEWAY_URL: gateway.url, SMS_GATEWAY_TOKEN: 'gw-token' },
      transport: createMailTransport(`smtp://127.0.0.1:${await freePort()}`), // nobody listens there
    };
  });
  afterAll(() => gateway?.close());

  const row = (key: string) => t.platform.db('sent_messages').where({ idempotency_key: key }).first();

  it('an SMS the gateway never takes ends failed with the gateway\'s last answer, after every attempt', async () => {
    const key = `test-${randomUUID()}:sms`;
    await queueMessage(t.platform.db, { idempotencyKey: key, kind: 'appointment_confirmation', channel: 'sms', recipient: '0470 12 34 56', subject: '', body: 'Uw afspraak is bevestigd.' });
    const run = t.env.client.workflow.execute<MessageWorkflow>(messageWorkflowType, { workflowId: messageWorkflowId(key), taskQueue: t.taskQueue, args: [key] });
    await expect(run).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(gateway.received.filter((request) => request.body && (request.body as { reference?: string }).reference === key)).toHaveLength(
      messageDeliveryRetry.maximumAttempts,
    );
    expect(await row(key)).toMatchObject({ status: 'failed', error: expect.stringMatching(/503/), sent_at: null });
  });

  it('an invitation whose mail server stays down ends failed, and the job page says it was not delivered (P7)', async () => {
    const { companyId, location } = await createLocation(t.platform.db);
    const fixture = await createJob(t.platform.db, location);
    const job = (await findInvitationJob(t.platform.db, companyId, fixture.job_number))!;
    const template = (await resolveTemplate(t.platform.db, companyId, 'builtin:follow-repair:en'))!;
    // Started as queueInvitation does, without its search attributes (the test server has none).
    const invitationId = randomUUID();
    const { ref, name, language, subject, body } = template;
    const run = t.env.client.workflow.execute<InvitationWorkflow>(invitationWorkflowType, {
      workflowId: invitationWorkflowId(invitationId),
      taskQueue: t.taskQueue,
      args: [{ invitationId, jobId: job.id, template: { ref, name, language, subject, body } }],
    });
    await expect(run).rejects.toBeInstanceOf(WorkflowFailedError);
    const key = invitationMessageKey(invitationId);
    expect(await row(key)).toMatchObject({ status: 'failed', error: expect.stringMatching(/ECONNREFUSED/), sent_at: null });

    const advisor = await createStaff(t.platform.db, companyId, 'service_advisor');
    const staff = httpClient(t.platform.baseUrl);
    await staff.login(advisor.email, advisor.password);
    const list = await staff.page(`/staff/jobs/${encodeURIComponent(job.job_number)}/messages?lang=en`);
    expect(list.status).toBe(200);
    expect(list.html).toContain('Not delivered');
    expect(list.html).toContain('ECONNREFUSED');
    expect(list.html).not.toContain('hx-trigger'); // nothing on its way: the list stops polling
  });
});
