import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discardMessage, queueMessage, type QueuedMessage } from '../db/messages';
import { messageWorkflowId, messageWorkflowType, type MessageWorkflow } from '../workflows/message.contract';
import { uniqueEmail } from './support/fixtures';
import { mailsTo, waitForMail } from './support/mail';
import { failureType, withMessagingWorker } from './support/messaging';
import { startPlatform, type Platform } from './support/platform';
import { json, startStandIn, type StandIn } from './support/standIn';

describe('message delivery (deliverMessage + messageWorkflow) against real Temporal, PostgreSQL and SMTP', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform(); // NODE_ENV=test: the development SMS provider
  });
  afterAll(() => platform?.close());

  const queue = async (message: Omit<QueuedMessage, 'idempotencyKey' | 'kind'> & { kind?: string }) => {
    const idempotencyKey = `test-${randomUUID()}:${message.channel}`;
    await queueMessage(platform.db, { kind: 'appointment_confirmation', ...message, idempotencyKey });
    return idempotencyKey;
  };
  const row = (key: string) => platform.db('sent_messages').where({ idempotency_key: key }).first();
  const deliver = (key: string, taskQueue = platform.config.TEMPORAL_TASK_QUEUE) =>
    platform.temporal.workflow.execute<MessageWorkflow>(messageWorkflowType, { workflowId: messageWorkflowId(key), taskQueue, args: [key] });

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

  it('puts an SMS into the development provider store once, the number in E.164', async () => {
    const key = await queue({ channel: 'sms', recipient: '0470 12 34 56', subject: '', body: 'Garage Peeters: uw afspraak is bevestigd.' });
    await deliver(key);
    await platform.activities.deliverMessage(key);
    const outbox = await platform.db('dev_sms_messages').where({ reference: key });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ recipient: '+32470123456', sender: 'Workshop', body: 'Garage Peeters: uw afspraak is bevestigd.' });
    expect(await row(key)).toMatchObject({ status: 'sent', provider_message_id: `dev-${outbox[0].id}` });
  });

  it('refuses a message that was discarded before it went out', async () => {
    const key = await queue({ channel: 'email', recipient: uniqueEmail('discard'), subject: 'Nee', body: 'Nee' });
    await discardMessage(platform.db, key);
    expect(await row(key)).toBeUndefined();
    expect(await failureType(deliver(key))).toBe('MessageNotFound');
  });

  describe('with SMS_PROVIDER=http and a stand-in gateway', () => {
    let gateway: StandIn;
    beforeAll(async () => {
      gateway = await startStandIn('/sms');
    });
    afterAll(() => gateway?.close());

    const withGateway = <T>(run: (taskQueue: string) => Promise<T>) =>
      withMessagingWorker(platform, { SMS_PROVIDER: 'http', SMS_GATEWAY_URL: gateway.url, SMS_GATEWAY_TOKEN: 'gw-token', SMS_SENDER: 'Peeters' }, run);

    it('the gateway receives the SMS, and the outbox row keeps its id; a gateway that was down is retried', async () => {
      gateway.received.length = 0;
      gateway.answer((res, attempt) => (attempt === 1 ? res.writeHead(503).end('maintenance') : json(201, { id: 'gw-42' })(res, attempt)));
      const key = await queue({ channel: 'sms', recipient: '+32 (0)470 99 88 77', subject: '', body: 'Garage Peeters: uw afspraak op dinsdag 8:30 is bevestigd.' });
      await withGateway((taskQueue) => deliver(key, taskQueue));
      expect(gateway.received).toHaveLength(2);
      expect(gateway.received[1]!.headers.authorization).toBe('Bearer gw-token');
      expect(gateway.received[1]!.body).toEqual({ from: 'Peeters', to: '+32470998877', text: 'Garage Peeters: uw afspraak op dinsdag 8:30 is bevestigd.', reference: key });
      expect(await row(key)).toMatchObject({ status: 'sent', provider_message_id: 'gw-42', error: null });
      expect(await platform.db('dev_sms_messages').where({ reference: key })).toEqual([]);
    });

    it('a gateway answering 400 marks the message failed, and the workflow ends without retrying', async () => {
      gateway.received.length = 0;
      gateway.answer(json(400, { error: 'unknown subscriber' }));
      const key = await queue({ channel: 'sms', recipient: '0470 00 00 00', subject: '', body: 'Uw aanvraag is ontvangen.' });
      const type = await withGateway((taskQueue) => failureType(deliver(key, taskQueue)));
      expect(type).toBe('MessageRejected');
      expect(gateway.received).toHaveLength(1);
      expect(await row(key)).toMatchObject({ status: 'failed', error: expect.stringMatching(/400.*unknown subscriber/), sent_at: null });
    });
  });

  it('with SMS_PROVIDER=none an SMS fails at once as ChannelUnavailable, and e-mail still goes out', async () => {
    const sms = await queue({ channel: 'sms', recipient: '0470 12 34 56', subject: '', body: 'Uw aanvraag is ontvangen.' });
    const customer = uniqueEmail('no-sms');
    const email = await queue({ channel: 'email', recipient: customer, subject: 'Aanvraag ontvangen', body: 'Uw aanvraag is ontvangen.' });
    await withMessagingWorker(platform, { SMS_PROVIDER: 'none' }, async (taskQueue) => {
      expect(await failureType(deliver(sms, taskQueue))).toBe('ChannelUnavailable');
      await deliver(email, taskQueue);
    });
    expect(await row(sms)).toMatchObject({ status: 'failed', error: expect.stringMatching(/no sms provider/) });
    expect((await waitForMail(customer)).subject).toBe('Aanvraag ontvangen');
  });
});
