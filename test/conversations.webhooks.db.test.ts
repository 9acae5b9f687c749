import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { boardCard, boardCards } from '../db/board';
import { markMessageSent, queueMessage } from '../db/messages';
import type { Location } from '../db/locations';
import { createLocation, createStaff } from './support/fixtures';
import { boardAppointment, cloudApiWebhook, postSmsWebhook, postWhatsappWebhook, uniqueMobile, whatsappText } from './support/conversation';
import { httpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

describe('W5 webhooks: WhatsApp Cloud API and the SMS gateway (real PostgreSQL, Temporal, HTTP)', () => {
  let platform: Platform;
  let location: Location;
  let companyId: number;
  beforeAll(async () => {
    platform = await startPlatform();
    ({ location, companyId } = await createLocation(platform.db, { hours: false }));
    await platform.db('companies').where({ id: companyId }).update({ whatsapp_phone_number_id: `pn-${companyId}`, sms_number: `+3293${String(companyId).padStart(6, '0')}` });
  });
  afterAll(() => platform?.close());

  const db = () => platform.db;
  const inboundOf = (sender: string) => db()('inbound_messages').where({ sender }).orderBy('id');
  const conversationOf = (customerId: number, channel = 'whatsapp') => db()('conversations').where({ customer_id: customerId, channel }).first();
  const boardChanges = (appointmentId: number, change: string) => db()('board_events').where({ appointment_id: appointmentId, change }).orderBy('id');
  /** The card's flags as the board reads them (db/board.ts). */
  const flags = async (appointmentId: number) => {
    const card = await boardCard(db(), companyId, appointmentId);
    return { unread: card!.unread, waiting: card!.waiting };
  };
  /** Whether the board's "Waiting conversations" filter (W5) shows the card today. */
  const inWaitingFilter = async (appointmentId: number) => {
    const day = DateTime.now().setZone(location.time_zone).toISODate()!;
    const cards = await boardCards(db(), companyId, { locationIds: [location.id], day, zone: location.time_zone, waitingOnly: true });
    return cards.some((card) => card.id === appointmentId);
  };

  describe('GET /webhooks/whatsapp: the verification challenge', () => {
    const verify = (query: Record<string, string>) => fetch(`${platform.baseUrl}/webhooks/whatsapp?${new URLSearchParams(query)}`);

    it('echoes hub.challenge for hub.mode=subscribe and our verify token', async () => {
      const answer = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': platform.config.WHATSAPP_VERIFY_TOKEN!, 'hub.challenge': '1158201444' });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('1158201444');
    });

    it('answers 403 to another token or mode', async () => {
      expect((await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guessed-token', 'hub.challenge': '1' })).status).toBe(403);
      expect((await verify({ 'hub.mode': 'unsubscribe', 'hub.verify_token': platform.config.WHATSAPP_VERIFY_TOKEN!, 'hub.challenge': '1' })).status).toBe(403);
      expect((await verify({})).status).toBe(403);
    });
  });

  describe('POST /webhooks/whatsapp', () => {
    it('refuses a bad or missing signature with 401 and stores nothing', async () => {
      const from = uniqueMobile();
      const payload = whatsappText(from, 'Hallo?', undefined, undefined, `pn-${companyId}`);
      const customersBefore = await db()('customers').count<{ count: string }[]>('* as count');
      expect((await postWhatsappWebhook(platform, payload, null)).status).toBe(401);
      expect((await postWhatsappWebhook(platform, payload, 'sha256=' + '0'.repeat(64))).status).toBe(401);
      const otherSecret = (await import('../lib/webhooks')).whatsappSignature(JSON.stringify(payload), 'not-the-app-secret');
      expect((await postWhatsappWebhook(platform, payload, otherSecret)).status).toBe(401);
      expect(await inboundOf(from)).toEqual([]);
      expect(await db()('conversations').where({ address: from })).toEqual([]);
      expect(await db()('customers').count<{ count: string }[]>('* as count')).toEqual(customersBefore);
    });

    it('a reply to the W1 reminder lands in the conversation the reminder opened, once however often it is delivered; the card is unread and waiting', async () => {
      const { customer, appointment, phone } = await boardAppointment(db(), location);
      // W1: the reminder by WhatsApp opens the conversation (the check-in activity, as the workflow runs it).
      const key = await platform.activities.queueCheckinReminder(appointment.id, appointment.starts_at.toISOString());
      const reminder = await db()('sent_messages').where({ idempotency_key: key }).first();
      const opened = await conversationOf(customer.id);
      expect(reminder).toMatchObject({ channel: 'whatsapp', recipient_e164: phone, conversation_id: opened.id });
      expect(opened).toMatchObject({ address: phone, last_inbound_at: null });
      expect(opened.last_outbound_at).not.toBeNull();

      // The reminder went out yesterday; the customer answers a minute ago.
      await db()('conversations').where({ id: opened.id }).update({ last_outbound_at: new Date(Date.now() - 86_400_000) });
      const sentAt = new Date(Date.now() - 60_000);
      const payload = whatsappText(phone, 'Kan ik de auto om 8u brengen?', `wamid.${randomUUID()}`, sentAt);
      for (let i = 0; i < 3; i++) expect((await postWhatsappWebhook(platform, payload)).status).toBe(200);

      const stored = await inboundOf(phone);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ customer_id: customer.id, company_id: companyId, conversation_id: opened.id, channel: 'whatsapp', body: 'Kan ik de auto om 8u brengen?' });
      expect((await conversationOf(customer.id)).last_inbound_at.getTime()).toBe(Math.floor(sentAt.getTime() / 1000) * 1000);
      expect(await boardChanges(appointment.id, 'message')).toHaveLength(1);
      expect(await flags(appointment.id)).toEqual({ unread: true, waiting: true });
      // The conversation's workflow heard it (Signal-With-Start): its state has the window.
      const state = await waitUntil('the workflow to hear the message', async () => {
        const s = await platform.temporal.workflow.getHandle(`conversation-${opened.id}`).query<{ lastInboundAt: string | null }>('state').catch(() => undefined);
        return s?.lastInboundAt ? s : undefined;
      });
      expect(state.lastInboundAt).toBe(new Date(Math.floor(sentAt.getTime() / 1000) * 1000).toISOString());
    });

    it('a number nobody wrote to: the master phone rule finds the customer, else a new customer of the company that owns the number', async () => {
      const { customer, phone } = await boardAppointment(db(), location);
      expect((await postWhatsappWebhook(platform, whatsappText(phone, 'Hallo', undefined, undefined, `pn-${companyId}`))).status).toBe(200);
      expect((await inboundOf(phone))[0]).toMatchObject({ customer_id: customer.id });

      const stranger = uniqueMobile();
      expect((await postWhatsappWebhook(platform, whatsappText(stranger, 'Wie ben ik?', undefined, undefined, `pn-${companyId}`))).status).toBe(200);
      const [message] = await inboundOf(stranger);
      expect(await db()('customers').where({ id: message.customer_id }).first()).toMatchObject({ company_id: companyId, phone: stranger, phone_normalized: stranger });
    });

    it('stores a message that is not text as a readable placeholder', async () => {
      const { phone } = await boardAppointment(db(), location);
      const payload = cloudApiWebhook(
        { messages: [{ from: phone.slice(1), id: `wamid.${randomUUID()}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'image', image: { id: 'm1', caption: 'De kras' } }] },
        `pn-${companyId}`,
      );
      expect((await postWhatsappWebhook(platform, payload)).status).toBe(200);
      expect((await inboundOf(phone))[0].body).toBe('[image] De kras');
    });
  });

  describe('delivery statuses never go backwards', () => {
    async function sentWhatsapp(phone: string) {
      const key = `status-test-${randomUUID()}`;
      await queueMessage(db(), {
        idempotencyKey: key,
        channel: 'whatsapp',
        kind: 'checkin_reminder',
        recipient: phone,
        subject: '',
        body: 'Tot morgen',
        template: { name: 'checkin_reminder', language: 'en', parameters: ['x'] },
      });
      return key;
    }
    const statusOf = (key: string) => db()('sent_messages').where({ idempotency_key: key }).first('status', 'status_updated_at', 'error', 'provider_message_id');
    const report = (id: string, status: string, seconds: number, extra: Record<string, unknown> = {}) =>
      postWhatsappWebhook(platform, cloudApiWebhook({ statuses: [{ id, status, timestamp: String(seconds), recipient_id: '32470000000', ...extra }] }));

    it('read, then a late delivered and sent: stays read', async () => {
      const key = await sentWhatsapp(uniqueMobile());
      await markMessageSent(db(), key, 'wamid.ooo-1');
      const t = Math.floor(Date.now() / 1000);
      expect((await report('wamid.ooo-1', 'read', t + 20)).status).toBe(200);
      await report('wamid.ooo-1', 'delivered', t + 10);
      await report('wamid.ooo-1', 'sent', t);
      expect(await statusOf(key)).toMatchObject({ status: 'read', status_updated_at: new Date((t + 20) * 1000) });
    });

    it('delivered is never downgraded to sent; failed stays failed', async () => {
      const delivered = await sentWhatsapp(uniqueMobile());
      await markMessageSent(db(), delivered, 'wamid.ooo-2');
      const t = Math.floor(Date.now() / 1000);
      await report('wamid.ooo-2', 'delivered', t);
      await report('wamid.ooo-2', 'sent', t + 5);
      expect((await statusOf(delivered)).status).toBe('delivered');

      const failed = await sentWhatsapp(uniqueMobile());
      await markMessageSent(db(), failed, 'wamid.ooo-3');
      await report('wamid.ooo-3', 'failed', t, { errors: [{ code: 131026, title: 'Message undeliverable' }] });
      await report('wamid.ooo-3', 'delivered', t + 1);
      await report('wamid.ooo-3', 'read', t + 2);
      expect(await statusOf(failed)).toMatchObject({ status: 'failed', error: '131026 Message undeliverable' });
    });

    it('a report faster than our own "sent" mark (matched by our key) is kept when the mark comes', async () => {
      const key = await sentWhatsapp(uniqueMobile());
      await report('wamid.ooo-4', 'delivered', Math.floor(Date.now() / 1000), { biz_opaque_callback_data: key });
      expect((await statusOf(key)).status).toBe('delivered');
      await markMessageSent(db(), key, 'wamid.ooo-4');
      expect(await statusOf(key)).toMatchObject({ status: 'delivered', provider_message_id: 'wamid.ooo-4' });
    });
  });

  describe('POST /webhooks/sms (signed with a timestamp)', () => {
    const smsIn = (from: string, text: string, id = `gw-${randomUUID()}`) => ({ type: 'inbound', id, from, to: `+3293${String(companyId).padStart(6, '0')}`, text, receivedAt: new Date().toISOString() });

    it('stores a signed inbound SMS once; refuses a bad signature or an old timestamp and stores nothing', async () => {
      const { customer, phone } = await boardAppointment(db(), location, { whatsapp: false });
      const fresh = smsIn(phone, 'Ok, tot straks');
      expect((await postSmsWebhook(platform, fresh, Math.floor(Date.now() / 1000) - 6 * 60)).status).toBe(401);
      expect((await postSmsWebhook(platform, fresh, undefined, 'the-wrong-webhook-secret')).status).toBe(401);
      expect(await inboundOf(phone)).toEqual([]);
      expect((await postSmsWebhook(platform, fresh)).status).toBe(200);
      expect((await postSmsWebhook(platform, fresh)).status).toBe(200);
      const stored = await inboundOf(phone);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ channel: 'sms', customer_id: customer.id, body: 'Ok, tot straks' });
      expect(await conversationOf(customer.id, 'sms')).toMatchObject({ address: phone });
    });

    it('applies status reports by our reference, forward only', async () => {
      const key = `sms-status-${randomUUID()}`;
      await queueMessage(db(), { idempotencyKey: key, channel: 'sms', kind: 'checkin_link', recipient: uniqueMobile(), subject: '', body: 'x' });
      const at = new Date().toISOString();
      await postSmsWebhook(platform, { events: [{ type: 'status', id: 'gw-s1', reference: key, status: 'delivered', at }, { type: 'status', id: 'gw-s1', reference: key, status: 'sent', at }] });
      expect((await db()('sent_messages').where({ idempotency_key: key }).first()).status).toBe('delivered');
    });
  });

  describe('unread (W5): a reply sets it, opening the conversation clears it, internal actions never touch it', () => {
    it('inbound → unread and waiting; opened → read by whom; a comment keeps it read; the next reply unread again; a staff answer ends waiting', async () => {
      const { customer, appointment, phone } = await boardAppointment(db(), location);
      const advisor = await createStaff(db(), companyId, 'service_advisor');
      const { id: staffId } = await db()('staff_users').where({ email: advisor.email }).first('id');
      const client = httpClient(platform.baseUrl);
      await client.login(advisor.email, advisor.password);

      expect(await inWaitingFilter(appointment.id)).toBe(false);
      await postWhatsappWebhook(platform, whatsappText(phone, 'Is mijn auto klaar?', undefined, undefined, `pn-${companyId}`));
      expect(await flags(appointment.id)).toEqual({ unread: true, waiting: true });
      expect(await inWaitingFilter(appointment.id)).toBe(true);

      const opened = await client.formPage(`/staff/board/cards/${appointment.id}/conversation?lang=en`);
      expect(opened.status).toBe(200);
      expect(opened.html).toContain('Is mijn auto klaar?');
      expect(await conversationOf(customer.id)).toMatchObject({ read_by: staffId });
      expect(await flags(appointment.id)).toEqual({ unread: false, waiting: true });
      expect(await boardChanges(appointment.id, 'read')).toHaveLength(1);
      // Opening it again with nothing new records nothing.
      await client.formPage(`/staff/board/cards/${appointment.id}/conversation?lang=en`);
      expect(await boardChanges(appointment.id, 'read')).toHaveLength(1);

      // W6: a comment is internal: never sent, unread and waiting stay as they were.
      const comment = await client.post(`/staff/board/cards/${appointment.id}/comments`, { body: 'Klant belt terug na 14u' });
      expect(comment.status).toBe(303);
      expect(await db()('appointment_comments').where({ appointment_id: appointment.id })).toEqual([expect.objectContaining({ staff_id: staffId, body: 'Klant belt terug na 14u' })]);
      expect(await boardChanges(appointment.id, 'comment')).toHaveLength(1);
      expect(await flags(appointment.id)).toEqual({ unread: false, waiting: true });
      expect(await db()('sent_messages').where({ customer_id: customer.id })).toEqual([]);

      await postWhatsappWebhook(platform, whatsappText(phone, 'Hallo?', undefined, undefined, `pn-${companyId}`));
      expect(await flags(appointment.id)).toEqual({ unread: true, waiting: true });

      // Staff answer within the window: free text, delivered by WhatsApp (the development provider) as a session message.
      await client.formPage(`/staff/board/cards/${appointment.id}/conversation?lang=en`);
      const form = await client.formPage(`/staff/board/cards/${appointment.id}/conversation?lang=en`);
      const nonce = /name="nonce" value="([^"]+)"/.exec(form.html)![1]!;
      // A double click: the same form twice is one message.
      for (let i = 0; i < 2; i++) {
        const sent = await client.post(`/staff/board/cards/${appointment.id}/conversation/messages`, { message: 'text', text: 'Ja, om 16u.', nonce });
        expect(sent.status).toBe(303);
      }
      expect(await flags(appointment.id)).toEqual({ unread: false, waiting: false });
      expect(await inWaitingFilter(appointment.id)).toBe(false);
      const reply = await waitUntil('the reply to be sent', () => db()('sent_messages').where({ customer_id: customer.id, kind: 'conversation_reply', status: 'sent' }).first());
      expect(reply).toMatchObject({ channel: 'whatsapp', session: true, template: null, body: 'Ja, om 16u.', recipient: phone });
      expect(await db()('dev_whatsapp_messages').where({ reference: reply.idempotency_key }).first()).toMatchObject({ template_name: null, body: 'Ja, om 16u.', recipient: phone });
      expect(await db()('sent_messages').where({ customer_id: customer.id, kind: 'conversation_reply' })).toHaveLength(1);
    });
  });

  describe('a mechanic on the conversation page', () => {
    it('sees the vehicle and the backchannel and comments, but neither the messages nor the contact details; opening it reads nothing', async () => {
      const { appointment, phone, customer } = await boardAppointment(db(), location);
      await postWhatsappWebhook(platform, whatsappText(phone, 'Geheim bericht', undefined, undefined, `pn-${companyId}`));
      const mechanic = await createStaff(db(), companyId, 'mechanic');
      const client = httpClient(platform.baseUrl);
      await client.login(mechanic.email, mechanic.password);
      const page = await client.formPage(`/staff/board/cards/${appointment.id}/conversation?lang=en`);
      expect(page.status).toBe(200);
      expect(page.html).not.toContain('Geheim bericht');
      expect(page.html).not.toContain(phone);
      expect(page.html).not.toContain(customer.email);
      expect(page.html).toContain('Oil service, air-co check');
      expect(await flags(appointment.id)).toEqual({ unread: true, waiting: true });
      expect((await client.post(`/staff/board/cards/${appointment.id}/comments`, { body: 'Remblokken op voorraad' })).status).toBe(303);
      expect((await client.post(`/staff/board/cards/${appointment.id}/conversation/messages`, { message: 'text', text: 'Hallo' })).status).toBe(403);
      expect(await flags(appointment.id)).toEqual({ unread: true, waiting: true });
    });
  });

  describe('the 24-hour rule on the page (W4)', () => {
    it('outside the window: no free text box, the template picker by itself; free text is refused and nothing is queued; a template goes out', async () => {
      const { customer, appointment, phone } = await boardAppointment(db(), location);
      const old = new Date(Date.now() - 25 * 3_600_000);
      await postWhatsappWebhook(platform, whatsappText(phone, 'Gisteren schreef ik', undefined, old, `pn-${companyId}`));
      const advisor = await createStaff(db(), companyId, 'service_advisor');
      const client = httpClient(platform.baseUrl);
      await client.login(advisor.email, advisor.password);

      const page = await client.formPage(`/staff/board/cards/${appointment.id}/conversation?lang=en`);
      expect(page.html).not.toContain('name="text"');
      expect(page.html).toMatch(/<details class="template-picker" open>/);
      expect(page.html).toContain('WhatsApp then allows only an approved template');

      const refused = await client.post(`/staff/board/cards/${appointment.id}/conversation/messages`, { message: 'text', text: 'Toch vrije tekst' });
      expect(refused.status).toBe(422);
      expect(await refused.text()).toContain('the 24-hour window has closed');
      expect(await db()('sent_messages').where({ customer_id: customer.id })).toEqual([]);

      const template = await client.post(`/staff/board/cards/${appointment.id}/conversation/messages`, { message: 'template', template: 'conversation_followup' });
      expect(template.status).toBe(303);
      const followUp = await waitUntil('the follow-up to be sent', () => db()('sent_messages').where({ customer_id: customer.id, kind: 'conversation_followup', status: 'sent' }).first());
      expect(followUp).toMatchObject({ session: false, template: { name: 'conversation_followup', language: 'en' } });
      expect(followUp.body).toContain('Hello Marie Peeters');
    });
  });

  describe('the number a customer writes from', () => {
    it('a customer we wrote to at another number than the master one is found by it, and answered there', async () => {
      const { customer, appointment } = await boardAppointment(db(), location);
      const other = uniqueMobile();
      // An SMS went to the number the appointment was made with (national notation), not the master phone.
      await queueMessage(db(), { idempotencyKey: `other-${randomUUID()}`, channel: 'sms', kind: 'appointment_confirmation', recipient: `0${other.slice(3)}`, subject: '', body: 'Tot dan', customerId: customer.id });
      expect((await postWhatsappWebhook(platform, whatsappText(other, 'Dit is mijn werk-gsm', undefined, undefined, `pn-${companyId}`))).status).toBe(200);
      expect((await inboundOf(other))[0]).toMatchObject({ customer_id: customer.id });
      expect(await conversationOf(customer.id)).toMatchObject({ address: other });

      const advisor = await createStaff(db(), companyId, 'service_advisor');
      const client = httpClient(platform.baseUrl);
      await client.login(advisor.email, advisor.password);
      await client.formPage(`/staff/board/cards/${appointment.id}/conversation?lang=en`);
      expect((await client.post(`/staff/board/cards/${appointment.id}/conversation/messages`, { message: 'text', text: 'Genoteerd.' })).status).toBe(303);
      expect(await db()('sent_messages').where({ customer_id: customer.id, kind: 'conversation_reply' }).first()).toMatchObject({ recipient: other });
    });
  });

  describe('SMS conversations, the dev outbox and the customer timeline', () => {
    it('without WhatsApp the page writes by SMS, freely, with no window; the dev SMS outbox answers through the signed webhook; both show on the customer timeline', async () => {
      const { customer, appointment, phone } = await boardAppointment(db(), location, { whatsapp: false });
      const advisor = await createStaff(db(), companyId, 'service_advisor');
      const client = httpClient(platform.baseUrl);
      await client.login(advisor.email, advisor.password);

      const page = await client.formPage(`/staff/board/cards/${appointment.id}/conversation?lang=en`);
      expect(page.html).toContain('By SMS you can always write freely.');
      expect(page.html).toContain('Your message (SMS)');
      expect((await client.post(`/staff/board/cards/${appointment.id}/conversation/messages`, { message: 'text', text: 'Uw wagen is klaar.' })).status).toBe(303);
      const sms = await waitUntil('the SMS in the dev outbox', () => db()('dev_sms_messages').where({ recipient: phone, body: 'Uw wagen is klaar.' }).first());
      expect(sms).toBeTruthy();

      await client.formPage('/staff/messages/dev-sms?lang=en');
      const replied = await client.post('/staff/messages/dev-sms/reply', { from: phone, text: 'Ik kom om 17u.' });
      expect(replied.headers.get('location')).toBe('/staff/messages/dev-sms?done=replied');
      expect(await inboundOf(phone)).toEqual([expect.objectContaining({ channel: 'sms', customer_id: customer.id, body: 'Ik kom om 17u.' })]);
      expect((await conversationOf(customer.id, 'sms')).last_inbound_at).not.toBeNull();

      const file = await client.page(`/staff/customers/${customer.id}?lang=en&type=messages`);
      expect(file.html).toContain('Message from the customer');
      expect(file.html).toContain('Ik kom om 17u.');
      expect(file.html).toContain('Uw wagen is klaar.');
    });

    it('the dev WhatsApp outbox reports a message delivered, then read, through the webhook', async () => {
      const { appointment } = await boardAppointment(db(), location);
      const key = await platform.activities.queueCheckinReminder(appointment.id, appointment.starts_at.toISOString());
      await platform.activities.deliverMessage(key!);
      const delivered = await db()('dev_whatsapp_messages').where({ reference: key }).first();
      const advisor = await createStaff(db(), companyId, 'service_advisor');
      const client = httpClient(platform.baseUrl);
      await client.login(advisor.email, advisor.password);
      await client.formPage('/staff/messages/dev-whatsapp?lang=en');
      for (const status of ['read', 'delivered']) {
        const answer = await client.post('/staff/messages/dev-whatsapp/status', { reference: key!, providerMessageId: `dev-${delivered.id}`, status });
        expect(answer.headers.get('location')).toBe('/staff/messages/dev-whatsapp?done=reported');
      }
      expect(await db()('sent_messages').where({ idempotency_key: key }).first()).toMatchObject({ status: 'read', provider_message_id: `dev-${delivered.id}` });
    });
  });
});
