import { describe, expect, it } from 'vitest';
import {
  hmacSha256Hex,
  parseSmsWebhook,
  parseWhatsappWebhook,
  smsSignature,
  verifySmsSignature,
  verifyWhatsappSignature,
  whatsappSignature,
} from './webhooks';

const secret = 'app-secret-for-tests';

describe('WhatsApp webhook signature (X-Hub-Signature-256)', () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');

  it('is the hex HMAC-SHA256 of the raw body with the app secret', () => {
    expect(whatsappSignature(body, secret)).toBe(`sha256=${hmacSha256Hex(secret, body)}`);
    expect(verifyWhatsappSignature(body, whatsappSignature(body, secret), secret)).toBe(true);
    expect(verifyWhatsappSignature(body, whatsappSignature(body, secret).toUpperCase().replace('SHA256=', 'sha256='), secret)).toBe(true);
  });

  it('refuses a missing, malformed, other-secret or other-body signature', () => {
    expect(verifyWhatsappSignature(body, undefined, secret)).toBe(false);
    expect(verifyWhatsappSignature(body, '', secret)).toBe(false);
    expect(verifyWhatsappSignature(body, hmacSha256Hex(secret, body), secret)).toBe(false); // without sha256=
    expect(verifyWhatsappSignature(body, 'sha256=abc', secret)).toBe(false);
    expect(verifyWhatsappSignature(body, whatsappSignature(body, 'another-secret'), secret)).toBe(false);
    // One byte more (re-serialised JSON is another body): the raw bytes count.
    expect(verifyWhatsappSignature(Buffer.from(`${body.toString()} `), whatsappSignature(body, secret), secret)).toBe(false);
  });
});

describe('SMS webhook signature (X-Signature over "<X-Timestamp>.<body>")', () => {
  const body = Buffer.from('{"type":"inbound","id":"1","from":"+32470123456","text":"ok"}');
  const now = Date.parse('2026-12-01T10:00:00Z');
  const ts = now / 1000;

  it('accepts our signature within 5 minutes, either way', () => {
    expect(verifySmsSignature(body, { signature: smsSignature(body, secret, ts), timestamp: String(ts) }, secret, now)).toBe('ok');
    expect(verifySmsSignature(body, { signature: smsSignature(body, secret, ts - 299), timestamp: String(ts - 299) }, secret, now)).toBe('ok');
    expect(verifySmsSignature(body, { signature: smsSignature(body, secret, ts + 60), timestamp: String(ts + 60) }, secret, now)).toBe('ok');
  });

  it('refuses an old (replayed) one, and one signed for another timestamp, body or secret', () => {
    expect(verifySmsSignature(body, { signature: smsSignature(body, secret, ts - 301), timestamp: String(ts - 301) }, secret, now)).toBe('stale');
    expect(verifySmsSignature(body, { signature: smsSignature(body, secret, ts - 10), timestamp: String(ts) }, secret, now)).toBe('badSignature');
    expect(verifySmsSignature(Buffer.from('{}'), { signature: smsSignature(body, secret, ts), timestamp: String(ts) }, secret, now)).toBe('badSignature');
    expect(verifySmsSignature(body, { signature: smsSignature(body, 'other-secret', ts), timestamp: String(ts) }, secret, now)).toBe('badSignature');
    expect(verifySmsSignature(body, { timestamp: String(ts) }, secret, now)).toBe('badSignature');
    expect(verifySmsSignature(body, { signature: smsSignature(body, secret, ts) }, secret, now)).toBe('badSignature');
    expect(verifySmsSignature(body, { signature: smsSignature(body, secret, ts), timestamp: 'yesterday' }, secret, now)).toBe('badSignature');
  });
});

/** A Cloud API webhook as Meta documents it. */
const cloudWebhook = (value: Record<string, unknown>) => ({
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, ...value } }] }],
});

describe('WhatsApp webhook payloads', () => {
  it('reads text messages with sender, our number, id and time; other kinds as a placeholder', () => {
    const events = parseWhatsappWebhook(
      cloudWebhook({
        contacts: [{ profile: { name: 'Marie' }, wa_id: '32470123456' }],
        messages: [
          { from: '32470123456', id: 'wamid.1', timestamp: '1764583200', type: 'text', text: { body: 'Ja, doe maar.' } },
          { from: '32470123456', id: 'wamid.2', timestamp: '1764583260', type: 'image', image: { id: 'media', mime_type: 'image/jpeg', caption: 'De kras' } },
          { from: '32470123456', id: 'wamid.3', timestamp: '1764583270', type: 'audio', audio: { id: 'media' } },
          { from: '32470123456', id: 'wamid.4', timestamp: '1764583280', type: 'button', button: { text: 'Akkoord', payload: 'yes' } },
          { from: '', id: 'wamid.5', type: 'text', text: { body: 'no sender' } },
        ],
      }),
    );
    expect(events.statuses).toEqual([]);
    expect(events.inbound).toEqual([
      { channel: 'whatsapp', providerMessageId: 'wamid.1', from: '+32470123456', to: '106540352242922', body: 'Ja, doe maar.', receivedAt: new Date(1764583200 * 1000) },
      expect.objectContaining({ providerMessageId: 'wamid.2', body: '[image] De kras' }),
      expect.objectContaining({ providerMessageId: 'wamid.3', body: '[audio]' }),
      expect.objectContaining({ providerMessageId: 'wamid.4', body: 'Akkoord' }),
    ]);
  });

  it('reads status reports by provider id and our key (biz_opaque_callback_data), with the reason of a failure', () => {
    const events = parseWhatsappWebhook(
      cloudWebhook({
        statuses: [
          { id: 'wamid.A', status: 'delivered', timestamp: '1764583300', recipient_id: '32470123456', biz_opaque_callback_data: 'checkin-1:reminder' },
          { id: 'wamid.B', status: 'failed', timestamp: '1764583301', recipient_id: '32470123456', errors: [{ code: 131047, title: 'Re-engagement message', error_data: { details: 'more than 24 hours' } }] },
          { id: 'wamid.C', status: 'deleted', timestamp: '1764583302' },
        ],
      }),
    );
    expect(events.statuses).toEqual([
      { channel: 'whatsapp', providerMessageId: 'wamid.A', reference: 'checkin-1:reminder', status: 'delivered', at: new Date(1764583300 * 1000) },
      { channel: 'whatsapp', providerMessageId: 'wamid.B', status: 'failed', at: new Date(1764583301 * 1000), error: '131047 Re-engagement message more than 24 hours' },
    ]);
  });

  it('answers nothing for what is not a webhook', () => {
    for (const payload of [null, 'text', [], { entry: 'x' }, { entry: [{ changes: [{ value: null }] }] }]) {
      expect(parseWhatsappWebhook(payload)).toEqual({ inbound: [], statuses: [] });
    }
  });
});

describe('SMS gateway webhook payloads', () => {
  it('reads one event or a list: inbound messages and status reports', () => {
    const inbound = { type: 'inbound', id: 'gw-1', from: '0470 12 34 56', to: '+32 9 123 45 67', text: 'Prima', receivedAt: '2026-12-01T10:00:00Z' };
    expect(parseSmsWebhook(inbound).inbound).toEqual([
      { channel: 'sms', providerMessageId: 'gw-1', from: '+32470123456', to: '+3291234567', body: 'Prima', receivedAt: new Date('2026-12-01T10:00:00Z') },
    ]);
    const list = parseSmsWebhook({
      events: [
        { type: 'status', id: 'gw-2', reference: 'lead-1:ack', status: 'delivered', at: '2026-12-01T10:01:00Z' },
        { type: 'status', id: 'gw-3', status: 'failed', error: 'unknown subscriber', at: '2026-12-01T10:02:00Z' },
        { type: 'status', id: 'gw-4', status: 'bounced' },
        { type: 'inbound', id: 'gw-5', from: 'not a number', text: 'x' },
      ],
    });
    expect(list.inbound).toEqual([]);
    expect(list.statuses).toEqual([
      { channel: 'sms', providerMessageId: 'gw-2', reference: 'lead-1:ack', status: 'delivered', at: new Date('2026-12-01T10:01:00Z') },
      { channel: 'sms', providerMessageId: 'gw-3', status: 'failed', at: new Date('2026-12-01T10:02:00Z'), error: 'unknown subscriber' },
    ]);
  });
});
