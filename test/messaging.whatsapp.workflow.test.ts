import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueMessage, type QueuedMessage } from '../db/messages';
import { companyText, saveText } from '../db/templates';
import { renderTemplate, whatsappTemplate, type TemplateValues } from '../lib/templates';
import type { MessagingConfig } from '../lib/messaging';
import { messageWorkflowId, messageWorkflowType, type MessageWorkflow } from '../workflows/message.contract';
import { createLocation, createStaff } from './support/fixtures';
import { failureType, withMessagingWorker } from './support/messaging';
import { startPlatform, type Platform } from './support/platform';
import { json, startStandIn, type StandIn } from './support/standIn';

const values: TemplateValues = {
  CustomerName: 'Marie Peeters',
  Date: 'dinsdag 6 oktober 2026',
  Time: '08:30',
  LocationName: 'Garage Peeters',
  LocationPhone: '+32 9 123 45 67',
  Plate: '1-ABC-234',
  CheckinLink: 'http://127.0.0.1/c/Qm4Rt7Yp2Lx9Ka1Vb8Nc3Hd6Jf0Gs5Wz2Ue7Io4Pa1Sd',
};

describe('WhatsApp messages through messageWorkflow against real Temporal and PostgreSQL', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform(); // NODE_ENV=test: the development WhatsApp provider
  });
  afterAll(() => platform?.close());

  const row = (key: string) => platform.db('sent_messages').where({ idempotency_key: key }).first();
  const deliver = (key: string, taskQueue = platform.config.TEMPORAL_TASK_QUEUE) =>
    platform.temporal.workflow.execute<MessageWorkflow>(messageWorkflowType, { workflowId: messageWorkflowId(key), taskQueue, args: [key] });

  /** A W1 reminder as the check-in activity queues it: the company's WhatsApp text for the log, the template for WhatsApp. */
  async function queueReminder(companyId: number, recipient = '0470 12 34 56', language = 'nl', overrides: Partial<QueuedMessage> = {}) {
    const idempotencyKey = `checkin-test-${randomUUID()}:reminder`;
    const text = await companyText(platform.db, companyId, 'checkin_reminder', 'whatsapp', language);
    const { subject, text: body } = renderTemplate(text, values);
    await queueMessage(platform.db, {
      idempotencyKey,
      channel: 'whatsapp',
      kind: 'checkin_reminder',
      recipient,
      subject,
      body,
      template: whatsappTemplate('checkin_reminder', language, values),
      ...overrides,
    });
    return { idempotencyKey, body };
  }

  /** A second worker on its own task queue with other WhatsApp settings, as another deployment would have. */
  const withWhatsapp = <T>(whatsapp: Partial<MessagingConfig>, run: (taskQueue: string) => Promise<T>) => withMessagingWorker(platform, whatsapp, run);

  it('a reminder lands once with the development WhatsApp provider, with template, language and parameters in order, even when delivered twice', async () => {
    const { companyId } = await createLocation(platform.db, { hours: false });
    const { idempotencyKey: key, body } = await queueReminder(companyId);
    expect(body).toContain('Beste Marie Peeters, we herinneren u aan uw afspraak bij Garage Peeters morgen');
    expect(await row(key)).toMatchObject({ status: 'queued', channel: 'whatsapp', template: { name: 'checkin_reminder', language: 'nl' } });

    await deliver(key);
    await deliver(key);
    await platform.activities.deliverMessage(key);

    const outbox = await platform.db('dev_whatsapp_messages').where({ reference: key });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      recipient: '+32470123456',
      template_name: 'checkin_reminder',
      language: 'nl',
      parameters: ['Marie Peeters', 'Garage Peeters', 'dinsdag 6 oktober 2026', '08:30', '1-ABC-234', values.CheckinLink, '+32 9 123 45 67'],
      body,
    });
    expect(await row(key)).toMatchObject({ status: 'sent', provider_message_id: `dev-${outbox[0].id}`, error: null });
  });

  it("the log keeps the company's own WhatsApp wording; the template stays the approved one", async () => {
    const { companyId } = await createLocation(platform.db, { hours: false });
    const admin = await createStaff(platform.db, companyId, 'admin');
    const { id: staffId } = await platform.db('staff_users').where({ email: admin.email }).first('id');
    const own = 'Hallo [CustomerName]! Morgen [Date] om [Time] bij [LocationName] voor [Plate]. Check-in: [CheckinLink] Bel [LocationPhone].';
    await saveText(platform.db, companyId, { purpose: 'checkin_reminder', channel: 'whatsapp', language: 'nl' }, { subject: '', body: own }, staffId);

    const { idempotencyKey: key } = await queueReminder(companyId, '+31 6 1234 5678');
    await deliver(key);
    const [sent] = await platform.db('dev_whatsapp_messages').where({ reference: key });
    expect(sent).toMatchObject({ recipient: '+31612345678', template_name: 'checkin_reminder', body: expect.stringMatching(/^Hallo Marie Peeters! Morgen dinsdag 6 oktober 2026 om 08:30/) });
    expect(sent.parameters[0]).toBe('Marie Peeters');
  });

  it('the outbox refuses a WhatsApp message without template', async () => {
    await expect(
      queueMessage(platform.db, { idempotencyKey: `free-${randomUUID()}`, channel: 'whatsapp', kind: 'checkin_reminder', recipient: '0470 12 34 56', subject: '', body: 'Tot morgen!' }),
    ).rejects.toThrow(/sent_messages_whatsapp_template/);
  });

  it('a message WhatsApp would refuse (a bad number) fails for good at once, and nothing is stored', async () => {
    const { companyId } = await createLocation(platform.db, { hours: false });
    const { idempotencyKey: key } = await queueReminder(companyId, 'geen gsm');
    expect(await failureType(deliver(key))).toBe('MessageRejected');
    expect(await row(key)).toMatchObject({ status: 'failed', error: expect.stringMatching(/not a phone number/), sent_at: null });
    expect(await platform.db('dev_whatsapp_messages').where({ reference: key })).toEqual([]);
  });

  it('with WHATSAPP_PROVIDER=none a WhatsApp message fails at once as ChannelUnavailable', async () => {
    const { companyId } = await createLocation(platform.db, { hours: false });
    const { idempotencyKey: key } = await queueReminder(companyId);
    const type = await withWhatsapp({ WHATSAPP_PROVIDER: 'none' }, (taskQueue) => failureType(deliver(key, taskQueue)));
    expect(type).toBe('ChannelUnavailable');
    expect(await row(key)).toMatchObject({ status: 'failed', error: expect.stringMatching(/no whatsapp provider is configured \(WHATSAPP_PROVIDER=none\)/) });
  });

  describe('with WHATSAPP_PROVIDER=cloud and a stand-in Cloud API', () => {
    let api: StandIn;
    beforeAll(async () => {
      api = await startStandIn('/v21.0/1065/messages');
    });
    afterAll(() => api?.close());
    const cloud = (): Partial<MessagingConfig> => ({
      WHATSAPP_PROVIDER: 'cloud',
      WHATSAPP_API_URL: api.url,
      WHATSAPP_TOKEN: 'EAAG-token',
    });

    it('the API receives the template the workflow queued; an API that was down is retried, and the wamid is kept', async () => {
      api.received.length = 0;
      api.answer((res, attempt) =>
        attempt === 1 ? res.writeHead(503).end('unavailable') : json(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.TEST42' }] })(res, attempt),
      );
      const { companyId } = await createLocation(platform.db, { hours: false });
      const { idempotencyKey: key } = await queueReminder(companyId, '0470 99 88 77', 'de');
      await withWhatsapp(cloud(), (taskQueue) => deliver(key, taskQueue));
      expect(api.received).toHaveLength(2);
      expect(api.received[1]!.headers.authorization).toBe('Bearer EAAG-token');
      expect(api.received[1]!.body).toMatchObject({
        to: '32470998877',
        template: { name: 'checkin_reminder', language: { code: 'de' }, components: [{ type: 'body', parameters: expect.arrayContaining([{ type: 'text', text: '1-ABC-234' }]) }] },
      });
      expect(await row(key)).toMatchObject({ status: 'sent', provider_message_id: 'wamid.TEST42', error: null });
      expect(await platform.db('dev_whatsapp_messages').where({ reference: key })).toEqual([]);
    });

    it('an API refusing the template (400) marks the message failed, and the workflow ends without retrying', async () => {
      api.received.length = 0;
      api.answer(json(400, { error: { message: '(#132001) Template name does not exist in the translation', code: 132001 } }));
      const { companyId } = await createLocation(platform.db, { hours: false });
      const { idempotencyKey: key } = await queueReminder(companyId, '0470 99 88 77', 'fr');
      const type = await withWhatsapp(cloud(), (taskQueue) => failureType(deliver(key, taskQueue)));
      expect(type).toBe('MessageRejected');
      expect(api.received).toHaveLength(1);
      expect(await row(key)).toMatchObject({ status: 'failed', error: expect.stringMatching(/400.*132001/), sent_at: null });
    });
  });
});
