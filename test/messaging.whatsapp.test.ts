import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageRejectedError, messageReferenceHeader, type OutgoingMessage } from '../lib/messaging';
import { createCloudWhatsappSender, type CloudApiSettings } from '../lib/messaging/whatsapp';
import { freePort } from '../lib/stack';
import { json, startStandIn, type Answer, type StandIn } from './support/standIn';

const accepted = json(200, {
  messaging_product: 'whatsapp',
  contacts: [{ input: '32470123456', wa_id: '32470123456' }],
  messages: [{ id: 'wamid.HBgLMzI0NzAxMjM0NTYVAgARGBI5QTND', message_status: 'accepted' }],
});
/** A Graph API refusal, as the Cloud API words them. */
const graphError = (status: number, code: number, message: string) =>
  json(status, { error: { message, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: message }, fbtrace_id: 'AbC123' } });

const reminder = (to: string, template: OutgoingMessage['template'] = undefined): OutgoingMessage => ({
  to,
  subject: '',
  text: 'Beste Marie, we herinneren u aan uw afspraak bij Garage Peeters morgen.',
  headers: { [messageReferenceHeader]: 'checkin-7:reminder:whatsapp' },
  template: template ?? {
    name: 'checkin_reminder',
    language: 'nl',
    parameters: ['Marie Peeters', 'Garage Peeters', 'dinsdag 6 oktober 2026', '08:30', '1-ABC-234', 'https://garage.example/c/abc', '+32 9 123 45 67'],
  },
});

describe('WhatsApp Cloud API provider against a stand-in on loopback', () => {
  let api: StandIn;
  let settings: CloudApiSettings;
  beforeAll(async () => {
    api = await startStandIn('/v21.0/106540352242922/messages', accepted);
    settings = { url: api.url, token: 'EAAG-test-token', defaultCountryCode: '32', timeoutMs: 1_000 };
  });
  afterAll(() => api?.close());
  beforeEach(() => {
    api.received.length = 0;
    api.answer(accepted);
  });

  it('posts the template message in the Cloud API shape with the bearer token, the number as E.164 digits without +, and answers the wamid', async () => {
    const sent = await createCloudWhatsappSender(settings).send(reminder('0470 12 34 56'));
    expect(sent).toEqual({ providerMessageId: 'wamid.HBgLMzI0NzAxMjM0NTYVAgARGBI5QTND' });
    expect(api.received).toHaveLength(1);
    const [request] = api.received;
    expect(request).toMatchObject({ method: 'POST', url: '/v21.0/106540352242922/messages' });
    expect(request!.headers.authorization).toBe('Bearer EAAG-test-token');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.body).toEqual({
      messaging_product: 'whatsapp',
      to: '32470123456',
      type: 'template',
      template: {
        name: 'checkin_reminder',
        language: { code: 'nl' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Marie Peeters' },
              { type: 'text', text: 'Garage Peeters' },
              { type: 'text', text: 'dinsdag 6 oktober 2026' },
              { type: 'text', text: '08:30' },
              { type: 'text', text: '1-ABC-234' },
              { type: 'text', text: 'https://garage.example/c/abc' },
              { type: 'text', text: '+32 9 123 45 67' },
            ],
          },
        ],
      },
      biz_opaque_callback_data: 'checkin-7:reminder:whatsapp',
    });
  });

  it('writes foreign numbers as WhatsApp wants them too', async () => {
    await createCloudWhatsappSender(settings).send(reminder('+31 6 1234 5678'));
    await createCloudWhatsappSender(settings).send(reminder('0049 171 1234567'));
    expect(api.received.map((request) => (request.body as { to: string }).to)).toEqual(['31612345678', '491711234567']);
  });

  it('refuses, without asking WhatsApp, a message without template, a bad number and a parameter WhatsApp would refuse', async () => {
    const sender = createCloudWhatsappSender(settings);
    const { template: _none, ...freeText } = reminder('0470 12 34 56');
    await expect(sender.send(freeText)).rejects.toThrow(MessageRejectedError);
    await expect(sender.send(freeText)).rejects.toThrow(/needs an approved template/);
    await expect(sender.send(reminder('geen gsm'))).rejects.toThrow(MessageRejectedError);
    const broken = { name: 'checkin_reminder', language: 'nl', parameters: ['Marie\nPeeters'] };
    await expect(sender.send(reminder('0470 12 34 56', broken))).rejects.toThrow(/parameter \{\{1\}\}/);
    await expect(sender.send(reminder('0470 12 34 56', { ...broken, parameters: [''] }))).rejects.toThrow(MessageRejectedError);
    expect(api.received).toHaveLength(0);
  });

  it('a refusal of the message itself (unknown template, not a WhatsApp number) is permanent, with WhatsApp\'s reason', async () => {
    api.answer(graphError(400, 132001, '(#132001) Template name does not exist in the translation'));
    const failure = createCloudWhatsappSender(settings).send(reminder('0470 12 34 56'));
    await expect(failure).rejects.toBeInstanceOf(MessageRejectedError);
    await expect(failure).rejects.toThrow(/WhatsApp Cloud API answered 400: .*132001.*does not exist/);
  });

  it('retries what waiting or fixing the configuration cures: 5xx, 429, a refused token, and throttling that comes as a 400', async () => {
    const answers: [string, Answer][] = [
      ['500', (res) => res.writeHead(500).end('oops')],
      ['503', (res) => res.writeHead(503).end('maintenance')],
      ['429', graphError(429, 4, '(#4) Application request limit reached')],
      ['401', graphError(401, 190, 'Error validating access token: Session has expired')],
      ['400 throughput', graphError(400, 130429, '(#130429) Rate limit hit')],
      ['400 pair rate', graphError(400, 131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit')],
      ['400 unknown error', graphError(400, 131000, '(#131000) Something went wrong')],
    ];
    for (const [label, answer] of answers) {
      api.answer(answer);
      const failure = createCloudWhatsappSender(settings).send(reminder('0470 12 34 56'));
      await expect(failure, label).rejects.toThrow(/WhatsApp Cloud API answered \d{3}/);
      await expect(failure, label).rejects.not.toBeInstanceOf(MessageRejectedError);
    }
  });

  it('gives up on an API that does not answer within the timeout, retryably', async () => {
    api.answer(() => undefined); // never answers
    const started = Date.now();
    const failure = createCloudWhatsappSender({ ...settings, timeoutMs: 300 }).send(reminder('0470 12 34 56'));
    await expect(failure).rejects.toThrow(/WhatsApp Cloud API 127\.0\.0\.1:\d+ unreachable: no answer within 300 ms/);
    await expect(failure).rejects.not.toBeInstanceOf(MessageRejectedError);
    expect(Date.now() - started).toBeLessThan(5_000);
    api.dropConnections();
  });

  it('retries when the API cannot be reached at all', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/v21.0/1/messages`;
    const failure = createCloudWhatsappSender({ ...settings, url: closed }).send(reminder('0470 12 34 56'));
    await expect(failure).rejects.toThrow(/unreachable/);
    await expect(failure).rejects.not.toBeInstanceOf(MessageRejectedError);
  });
});
