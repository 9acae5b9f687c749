import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../lib/stack';
import { MessageRejectedError, messageReferenceHeader } from '../lib/messaging';
import { createHttpSmsSender, type HttpGatewaySettings } from '../lib/messaging/sms';
import { json, startStandIn, type StandIn } from './support/standIn';

const message = (to: string, text = 'Uw afspraak is bevestigd.') => ({
  to,
  subject: '',
  text,
  headers: { [messageReferenceHeader]: 'appointment-7:confirmation:abc' },
});

describe('HTTP SMS gateway provider against a stand-in gateway', () => {
  let gateway: StandIn;
  let settings: HttpGatewaySettings;
  beforeAll(async () => {
    gateway = await startStandIn('/v1/sms', json(201, { id: 'gw-1' }));
    settings = { url: gateway.url, token: 'test-token-123', sender: 'Peeters', defaultCountryCode: '32', timeoutMs: 1_000 };
  });
  afterAll(() => gateway?.close());
  beforeEach(() => {
    gateway.received.length = 0;
  });

  it('posts {from, to, text, reference} as JSON with the bearer token, the number in E.164, and answers the gateway id', async () => {
    const sent = await createHttpSmsSender(settings).send(message('0470 12 34 56'));
    expect(sent).toEqual({ providerMessageId: 'gw-1' });
    expect(gateway.received).toHaveLength(1);
    const [request] = gateway.received;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/sms' });
    expect(request!.headers.authorization).toBe('Bearer test-token-123');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.body).toEqual({ from: 'Peeters', to: '+32470123456', text: 'Uw afspraak is bevestigd.', reference: 'appointment-7:confirmation:abc' });
  });

  it('takes the id from {messageId} too, numbers included', async () => {
    gateway.answer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"messageId":98765,"status":"queued"}'));
    expect(await createHttpSmsSender(settings).send(message('+31 6 1234 5678'))).toEqual({ providerMessageId: '98765' });
    expect((gateway.received[0]!.body as { to: string }).to).toBe('+31612345678');
  });

  it('refuses a number that cannot be one without asking the gateway', async () => {
    await expect(createHttpSmsSender(settings).send(message('geen gsm'))).rejects.toBeInstanceOf(MessageRejectedError);
    expect(gateway.received).toHaveLength(0);
  });

  it('treats a 4xx about the message as a permanent refusal, with the gateway\'s reason', async () => {
    gateway.answer((res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid destination"}'));
    const failure = createHttpSmsSender(settings).send(message('0470 12 34 56'));
    await expect(failure).rejects.toBeInstanceOf(MessageRejectedError);
    await expect(failure).rejects.toThrow(/400.*invalid destination/);
  });

  it('retries what waiting or fixing the configuration cures: 5xx, rate limit, a refused token', async () => {
    for (const status of [500, 503, 429, 401]) {
      gateway.answer((res) => res.writeHead(status).end('try later'));
      const failure = createHttpSmsSender(settings).send(message('0470 12 34 56'));
      await expect(failure, String(status)).rejects.toThrow(new RegExp(`SMS gateway answered ${status}`));
      await expect(failure).rejects.not.toBeInstanceOf(MessageRejectedError);
    }
  });

  it('gives up on a gateway that does not answer within the timeout, retryably', async () => {
    gateway.answer(() => undefined); // never answers
    const started = Date.now();
    const failure = createHttpSmsSender({ ...settings, timeoutMs: 300 }).send(message('0470 12 34 56'));
    await expect(failure).rejects.toThrow(/unreachable: no answer within 300 ms/);
    await expect(failure).rejects.not.toBeInstanceOf(MessageRejectedError);
    expect(Date.now() - started).toBeLessThan(5_000);
    gateway.dropConnections();
  });

  it('retries when the gateway cannot be reached at all', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/v1/sms`;
    const failure = createHttpSmsSender({ ...settings, url: closed }).send(message('0470 12 34 56'));
    await expect(failure).rejects.toThrow(/SMS gateway 127\.0\.0\.1:\d+ unreachable/);
    await expect(failure).rejects.not.toBeInstanceOf(MessageRejectedError);
  });
});
