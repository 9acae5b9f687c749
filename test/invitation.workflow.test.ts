import { randomUUID } from 'node:crypto';
import { activityDeps } from '../activities';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMailTransport } from '../activities/mail/transport';
import { findInvitationJob, resolveTemplate } from '../db/templates';
import { createI18n } from '../lib/i18n';
import { freePort } from '../lib/stack';
import { queueInvitation } from '../web/templates/service';
import { createWorker } from '../worker';
import { invitationWorkflowId } from '../workflows/invitation.contract';
import { createJob, createLocation } from './support/fixtures';
import { mailsTo, waitForMail } from './support/mail';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

/** Every payload in a history, decoded: what Temporal stores about a workflow. */
function payloadTexts(value: unknown): string[] {
  if (value instanceof Uint8Array) return [Buffer.from(value).toString('utf8')];
  if (Array.isArray(value)) return value.flatMap(payloadTexts);
  if (value && typeof value === 'object') return Object.values(value).flatMap(payloadTexts);
  return [];
}

describe('P7 invitation workflow against real Temporal, PostgreSQL and SMTP', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const deps = () => ({
    db: platform.db,
    temporal: platform.temporal,
    taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
    publicUrl: platform.config.PUBLIC_URL,
  });

  it('waits out a mail server that is down, then sends once; a retried activity sends nothing twice', async () => {
    const { location } = await createLocation(platform.db);
    const fixture = await createJob(platform.db, location);
    const job = (await findInvitationJob(platform.db, location.company_id, fixture.job_number))!;
    const template = (await resolveTemplate(platform.db, location.company_id, 'builtin:follow-repair:fr'))!;

    // A worker whose SMTP server refuses connections.
    await platform.stopWorker();
    const connection = await NativeConnection.connect({ address: platform.config.TEMPORAL_ADDRESS });
    const deadTransport = createMailTransport(`smtp://127.0.0.1:${await freePort()}`);
    const failing = await createWorker({
      connection,
      namespace: platform.config.TEMPORAL_NAMESPACE,
      taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
      deps: activityDeps(platform.config, { db: platform.db, transport: deadTransport, i18n: await createI18n(), temporal: platform.temporal }),
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    const running = failing.run();

    const queued = await queueInvitation(deps(), job, template);
    if (!queued.queued) throw new Error('not queued');
    const handle = platform.temporal.workflow.getHandle(invitationWorkflowId(queued.invitationId));
    await waitUntil('a failed send attempt', async () => {
      const activity = (await handle.describe()).raw.pendingActivities?.[0];
      return activity?.lastFailure ? activity : undefined;
    });
    expect(await platform.db('sent_messages').where({ job_id: job.id }).first('status')).toEqual({ status: 'sending' });
    failing.shutdown();
    await running;
    deadTransport.close();
    await connection.close();

    // The mail server is back (the platform's worker): the retry sends it.
    await platform.startWorker();
    await handle.result();
    const mail = await waitForMail(job.email);
    expect(mail.subject).toBe('Suivez en ligne la réparation de votre véhicule');
    expect(mail.text).toContain(`/p/${location.slug}/lookup/status?job=${job.job_number}&lang=fr`);
    const row = await platform.db('sent_messages').where({ job_id: job.id }).first();
    expect(row).toMatchObject({
      idempotency_key: `invitation-${queued.invitationId}:email`, kind: 'invitation', channel: 'email', status: 'sent', customer_id: job.customer_id,
      subject: mail.subject, body: mail.text, error: null,
    });

    // Temporal retrying the activities after a send it did not hear back from (the queue and delivery steps,
    // and the one step of workflows started before the outbox): nothing goes out twice.
    const input = {
      invitationId: queued.invitationId,
      jobId: job.id,
      template: { ref: template.ref, name: template.name, language: template.language, subject: template.subject, body: template.body },
    };
    expect(await platform.activities.queueInvitationMessage(input)).toBe(row.idempotency_key);
    await platform.activities.deliverMessage(row.idempotency_key);
    await platform.activities.sendInvitation(input);
    expect(await platform.db('sent_messages').where({ job_id: job.id })).toHaveLength(1);
    expect(await mailsTo(job.email)).toHaveLength(1);
  });

  it('delivers through the outbox an invitation an earlier version claimed without text and failed to send', async () => {
    const { location } = await createLocation(platform.db);
    const fixture = await createJob(platform.db, location);
    const job = (await findInvitationJob(platform.db, location.company_id, fixture.job_number))!;
    const template = (await resolveTemplate(platform.db, location.company_id, 'builtin:book-repair:en'))!;
    const invitationId = randomUUID();
    const key = `invitation-${invitationId}:email`;
    // What claimMessage left when the SMTP send after it failed: no text, 'sending'.
    await platform.db('sent_messages').insert({ idempotency_key: key, channel: 'email', kind: 'invitation', recipient: job.email, subject: 'old', status: 'sending', job_id: job.id });
    const input = { invitationId, jobId: job.id, template: { ref: template.ref, name: template.name, language: template.language, subject: template.subject, body: template.body } };
    await platform.activities.sendInvitation(input);
    await platform.activities.sendInvitation(input);
    const mail = await waitForMail(job.email);
    expect(await mailsTo(job.email)).toHaveLength(1);
    expect(await platform.db('sent_messages').where({ idempotency_key: key }).first()).toMatchObject({ status: 'sent', subject: mail.subject, body: mail.text });
  });

  it('keeps personal data out of workflow history', async () => {
    const { location } = await createLocation(platform.db);
    const fixture = await createJob(platform.db, location, '1-HIS-777');
    const job = (await findInvitationJob(platform.db, location.company_id, fixture.job_number))!;
    const template = (await resolveTemplate(platform.db, location.company_id, 'builtin:book-repair:en'))!;
    const queued = await queueInvitation(deps(), job, template);
    if (!queued.queued) throw new Error('not queued');
    const handle = platform.temporal.workflow.getHandle(invitationWorkflowId(queued.invitationId));
    await handle.result();
    const recorded = payloadTexts(await handle.fetchHistory()).join('\n');
    expect(recorded).toContain('[URLBookRepair]'); // the template, tags unexpanded
    for (const secret of [job.email, '1-HIS-777', '1HIS777', 'Janssens']) expect(recorded).not.toContain(secret);
  });
});
