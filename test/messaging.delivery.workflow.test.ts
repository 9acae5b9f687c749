import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMailTransport } from '../activities/mail/transport';
import { discardMessage, queueMessage, type QueuedMessage } from '../db/messages';
import { createI18n } from '../lib/i18n';
import { createMessaging, type Messaging } from '../lib/messaging';
import { createWorker } from '../worker';
import { messageWorkflow, messageWorkflowId } from '../workflows/message';
import { uniqueEmail } from './support/fixtures';
import { mailsTo, waitForMail } from './support/mail';
import { startPlatform, type Platform } from './support/platform';

/** The reason a message workflow failed: the activity's ApplicationFailure type. */
async function failureType(result: Promise<unknown>): Promise<string | undefined> {
  const error = await result.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause?.cause;
  return cause instanceof ApplicationFailure ? cause.type ?? undefined : undefined;
}

describe('message delivery (deliverMessage + messageWorkflow) against real Temporal, PostgreSQL and SMTP', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform(); // NODE_ENV=test: the outbox SMS provider
  });
  afterAll(() => platform?.close());

  const queue = async (message: Omit<QueuedMessage, 'idempotencyKey' | 'kind'> & { kind?: string }) => {
    const idempotencyKey = `test-${randomUUID()}:${message.channel}`;
    await queueMessage(platform.db, { kind: 'appointment_confirmation', ...message, idempotencyKey });
    return idempotencyKey;
  };
  const row = (key: string) => platform.db('sent_messages').where({ idempotency_key: key }).first();
  const deliver = (key: string, taskQueue = platform.config.TEMPORAL_TASK_QUEUE) =>
    platform.temporal.workflow.execute(messageWorkflow, { workflowId: messageWorkflowId(key), taskQueue, args: [key] });

  /** A second worker on its own task queue with other channels (an SMS gateway, no SMS), as another deployment would have. */
  async function withMessaging<T>(messaging: (transport: ReturnType<typeof createMailTransport>) => Messaging, run: (taskQueue: string) => Promise<T>) {
    const taskQueue = `messaging-${randomUUID()}`;
    const connection = await NativeConnection.connect({ address: platform.config.TEMPORAL_ADDRESS });
    const transport = createMailTransport(platform.config.SMTP_URL);
    try {
      const worker = await createWorker({
        connection,
        namespace: platform.config.TEMPORAL_NAMESPACE,
        taskQueue,
        deps: {
          db: platform.db,
          transport,
          i18n: await createI18n(),
          publicUrl: platform.config.PUBLIC_URL,
          mailFrom: platform.config.MAIL_FROM,
          temporal: platform.temporal,
          taskQueue,
          messaging: messaging(transport),
        },
        workflowBundle: { codePath: inject('workflowBundlePath') },
      });
      return await worker.runUntil(run(taskQueue));
    } finally {
      transport.close();
      await connection.close();
    }
  }

  it('sends a queued e-mail exactly once, even when delivered twice', async () => {
    const customer = uniqueEmail('confirm');
    const key = await queue({ channel: 'email', recipient: customer, subject: 'Uw afspraak is bevestigd', body: 'Beste Marie,\n\nTot dinsdag.' });
    expect(await row(key)).toMatchObject({ status: 'queued', sent_at: null });

    await deliver(key);
    const mail = await waitForMail(customer);
    expect(mail.subject).toBe('Uw afspraak is bevestigd');
    expect(mail.text.trim()).toBe('Beste Marie,\n\nTot dinsdag.');
    expect(await row(key)).toMatchObject({ status: 'sent', provider_message_id: expect.stringMatching(/@/), error: null });

    // Delivered again: a second run of the workflow, and Temporal retrying the activity.
    await deliver(key);
    await platform.activities.deliverMessage(key);
    expect(await mailsTo(customer)).toHaveLength(1);
  });

  it('puts an SMS into the development outbox once, the number in E.164', async () => {
    const key = await queue({ channel: 'sms', recipient: '0470 12 34 56', subject: '', body: 'Garage Peeters: uw afspraak is bevestigd.' });
    await deliver(key);
    await platform.activities.deliverMessage(key);
    const outbox = await platform.db('sms_outbox').where({ reference: key });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ recipient: '+32470123456', sender: 'Workshop', body: 'Garage Peeters: uw afspraak is bevestigd.' });
    expect(await row(key)).toMatchObject({ status: 'sent', provider_message_id: `outbox-${outbox[0].id}` });
  });

  it('refuses a message that was discarded before it went out', async () => {
    const key = await queue({ channel: 'email', recipient: uniqueEmail('discard'), subject: 'Nee', body: 'Nee' });
    await discardMessage(platform.db, key);
    expect(await row(key)).toBeUndefined();
    expect(await failureType(deliver(key))).toBe('MessageNotFound');
  });

  describe('with SMS_PROVIDER=http and a stand-in gateway', () => {
    const requests: { authorization?: string; body: Record<string, string> }[] = [];
    let respond: (res: ServerResponse, attempt: number) => void;
    const gateway = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        requests.push({ authorization: req.headers.authorization, body: JSON.parse(raw) });
        respond(res, requests.length);
      });
    });
    beforeAll(() => new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve)));
    afterAll(() => new Promise((resolve) => gateway.close(resolve)));

    const httpMessaging = (transport: ReturnType<typeof createMailTransport>) =>
      createMessaging(
        { ...platform.config, SMS_PROVIDER: 'http', SMS_GATEWAY_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`, SMS_GATEWAY_TOKEN: 'gw-token', SMS_SENDER: 'Peeters' },
        { db: platform.db, transport, mailFrom: platform.config.MAIL_FROM },
      );

    it('the gateway receives the SMS, and the outbox row keeps its id; a gateway that was down is retried', async () => {
      requests.length = 0;
      respond = (res, attempt) =>
        attempt === 1 ? res.writeHead(503).end('maintenance') : res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"gw-42"}');
      const key = await queue({ channel: 'sms', recipient: '+32 (0)470 99 88 77', subject: '', body: 'Garage Peeters: uw afspraak op dinsdag 8:30 is bevestigd.' });
      await withMessaging(httpMessaging, (taskQueue) => deliver(key, taskQueue));
      expect(requests).toHaveLength(2);
      expect(requests[1]).toEqual({
        authorization: 'Bearer gw-token',
        body: { from: 'Peeters', to: '+32470998877', text: 'Garage Peeters: uw afspraak op dinsdag 8:30 is bevestigd.', reference: key },
      });
      expect(await row(key)).toMatchObject({ status: 'sent', provider_message_id: 'gw-42', error: null });
      expect(await platform.db('sms_outbox').where({ reference: key })).toEqual([]);
    });

    it('a gateway answering 400 marks the message failed, and the workflow ends without retrying', async () => {
      requests.length = 0;
      respond = (res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"unknown subscriber"}');
      const key = await queue({ channel: 'sms', recipient: '0470 00 00 00', subject: '', body: 'Uw aanvraag is ontvangen.' });
      const type = await withMessaging(httpMessaging, (taskQueue) => failureType(deliver(key, taskQueue)));
      expect(type).toBe('MessageRejected');
      expect(requests).toHaveLength(1);
      expect(await row(key)).toMatchObject({ status: 'failed', error: expect.stringMatching(/400.*unknown subscriber/), sent_at: null });
    });
  });

  it('with SMS_PROVIDER=none an SMS fails at once as ChannelUnavailable, and e-mail still goes out', async () => {
    const sms = await queue({ channel: 'sms', recipient: '0470 12 34 56', subject: '', body: 'Uw aanvraag is ontvangen.' });
    const customer = uniqueEmail('no-sms');
    const email = await queue({ channel: 'email', recipient: customer, subject: 'Aanvraag ontvangen', body: 'Uw aanvraag is ontvangen.' });
    const none = (transport: ReturnType<typeof createMailTransport>) =>
      createMessaging({ ...platform.config, SMS_PROVIDER: 'none' }, { db: platform.db, transport, mailFrom: platform.config.MAIL_FROM });
    await withMessaging(none, async (taskQueue) => {
      expect(await failureType(deliver(sms, taskQueue))).toBe('ChannelUnavailable');
      await deliver(email, taskQueue);
    });
    expect(await row(sms)).toMatchObject({ status: 'failed', error: expect.stringMatching(/no sms provider/) });
    expect((await waitForMail(customer)).subject).toBe('Aanvraag ontvangen');
  });
});
