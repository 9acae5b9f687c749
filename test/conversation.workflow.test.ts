import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyInbound, replyInConversation } from '../clients/conversationWorkflow';
import { findConversation, type Conversation } from '../db/conversations';
import type { Location } from '../db/locations';
import { queueMessage } from '../db/messages';
import { conversationWindowMs } from '../lib/conversationWindow';
import type { MessagingConfig } from '../lib/messaging';
import {
  conversationStateQuery,
  conversationWorkflowId,
  conversationWorkflowType,
  inboundSignal,
  replyUpdate,
  type ConversationWorkflow,
} from '../workflows/conversation.contract';
import { boardAppointment } from './support/conversation';
import { createLocation } from './support/fixtures';
import { withMessagingWorker } from './support/messaging';
import { startPlatform, type Platform } from './support/platform';
import { json, startStandIn, type StandIn } from './support/standIn';
import { useTimeSkipping } from './support/timeSkipping';
import { waitUntil } from './support/wait';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A WhatsApp conversation of a customer with a card today; the customer last wrote at `lastInboundAt`. */
async function conversationWith(platform: Platform, location: Location, lastInboundAt: Date | null): Promise<Conversation> {
  const { customer, phone } = await boardAppointment(platform.db, location);
  const [row] = await platform.db('conversations')
    .insert({ company_id: location.company_id, customer_id: customer.id, channel: 'whatsapp', address: phone, last_inbound_at: lastInboundAt })
    .returning('id');
  return (await findConversation(platform.db, row.id))!;
}

/** A reply staff wrote, in the outbox as the conversation page queues it. */
async function queuedReply(platform: Platform, conversation: Conversation, freeText: boolean) {
  const messageKey = `conversation-${conversation.id}:reply:${randomUUID()}`;
  await queueMessage(platform.db, {
    idempotencyKey: messageKey,
    channel: 'whatsapp',
    kind: freeText ? 'conversation_reply' : 'conversation_followup',
    recipient: conversation.address,
    subject: '',
    body: freeText ? 'Uw auto is klaar.' : 'Hello Marie Peeters, this is Garage about your vehicle.',
    session: freeText,
    template: freeText ? undefined : { name: 'conversation_followup', language: 'en', parameters: ['Marie Peeters', 'Garage', '1-ABC-234', 'Monday'] },
    customerId: conversation.customer_id,
    conversationId: conversation.id,
  });
  return messageKey;
}

const updatesAccepted = async (platform: Platform, conversationId: number) => {
  const history = await platform.temporal.workflow.getHandle(conversationWorkflowId(conversationId)).fetchHistory();
  return (history.events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes).length;
};

describe('W4 conversation workflow against real Temporal and PostgreSQL', () => {
  let platform: Platform;
  let location: Location;
  beforeAll(async () => {
    platform = await startPlatform();
    ({ location } = await createLocation(platform.db, { hours: false }));
  });
  afterAll(() => platform?.close());
  const deps = () => ({ temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE });
  const message = (key: string) => platform.db('sent_messages').where({ idempotency_key: key }).first();

  it('outside the 24-hour window free text is refused before it enters history; a template is allowed and delivered', async () => {
    const conversation = await conversationWith(platform, location, new Date(Date.now() - 25 * HOUR));
    const freeText = await queuedReply(platform, conversation, true);
    const refused = await replyInConversation(deps(), conversation, { messageKey: freeText, staffId: 1, freeText: true });
    expect(refused).toEqual({ ok: false, refusal: 'windowClosed', windowClosesAt: new Date(conversation.last_inbound_at!.getTime() + DAY).toISOString() });
    expect(await updatesAccepted(platform, conversation.id)).toBe(0);
    expect(await message(freeText)).toMatchObject({ status: 'queued', conversation_id: conversation.id });

    const template = await queuedReply(platform, conversation, false);
    expect(await replyInConversation(deps(), conversation, { messageKey: template, staffId: 1, freeText: false })).toMatchObject({ ok: true });
    expect(await updatesAccepted(platform, conversation.id)).toBe(1);
    await waitUntil('the template to go out', async () => (await message(template)).status === 'sent');
    expect((await findConversation(platform.db, conversation.id))!.last_outbound_at).not.toBeNull();
  });

  it('a customer message (Signal-With-Start) opens the window: free text is allowed, for 24 hours from that message', async () => {
    const conversation = await conversationWith(platform, location, null);
    const never = await queuedReply(platform, conversation, true);
    expect(await replyInConversation(deps(), conversation, { messageKey: never, staffId: 1, freeText: true })).toMatchObject({ ok: false, windowClosesAt: null });

    const receivedAt = new Date(Date.now() - HOUR).toISOString();
    await notifyInbound(deps(), conversation, { inboundMessageId: 1, receivedAt });
    const inside = await queuedReply(platform, conversation, true);
    expect(await replyInConversation(deps(), conversation, { messageKey: inside, staffId: 1, freeText: true })).toEqual({
      ok: true,
      windowClosesAt: new Date(Date.parse(receivedAt) + DAY).toISOString(),
    });
    await waitUntil('the free text to go out', async () => (await message(inside)).status === 'sent');
    const delivered = await platform.db('dev_whatsapp_messages').where({ reference: inside }).first();
    expect(delivered).toMatchObject({ template_name: null, body: 'Uw auto is klaar.' });
  });

  it('continues as new before its history grows large, and keeps the window and the replies', async () => {
    const conversation = await conversationWith(platform, location, null);
    const workflowId = `${conversationWorkflowId(conversation.id)}`;
    const handle = await platform.temporal.workflow.start<ConversationWorkflow>(conversationWorkflowType, {
      workflowId,
      taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
      args: [{ conversationId: conversation.id, channel: 'whatsapp', windowMs: conversationWindowMs, lastInboundAt: null, lastOutboundAt: null, historyLimit: 20 }],
    });
    const firstRun = handle.firstExecutionRunId;
    const lastAt = new Date(Date.now() - 2 * HOUR);
    for (let i = 0; i < 12; i++) await handle.signal(inboundSignal, { inboundMessageId: i, receivedAt: new Date(lastAt.getTime() - (11 - i) * 60_000).toISOString() });
    const reply = await queuedReply(platform, conversation, true);
    await handle.executeUpdate(replyUpdate, { args: [{ messageKey: reply, staffId: 1, freeText: true }] });

    const latest = platform.temporal.workflow.getHandle(workflowId);
    await waitUntil('a new run', async () => (await latest.describe()).runId !== firstRun);
    const state = await latest.query(conversationStateQuery);
    expect(state).toMatchObject({ lastInboundAt: lastAt.toISOString(), windowClosesAt: new Date(lastAt.getTime() + DAY).toISOString(), replies: 1 });
    // The window carried over: free text is still allowed in the new run.
    const again = await queuedReply(platform, conversation, true);
    expect(await replyInConversation(deps(), conversation, { messageKey: again, staffId: 1, freeText: true })).toMatchObject({ ok: true });
    expect((await latest.query(conversationStateQuery)).replies).toBe(2);
    const first = await platform.temporal.workflow.getHandle(workflowId, firstRun).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
  });

  describe('free text through the WhatsApp Cloud API (stand-in)', () => {
    let api: StandIn;
    beforeAll(async () => {
      api = await startStandIn('/v21.0/1065/messages', json(200, { messaging_product: 'whatsapp', messages: [{ id: 'wamid.FREE1' }] }));
    });
    afterAll(() => api?.close());

    it('goes out as type text, with our key as biz_opaque_callback_data', async () => {
      const conversation = await conversationWith(platform, location, new Date(Date.now() - HOUR));
      const key = await queuedReply(platform, conversation, true);
      const cloud: Partial<MessagingConfig> = { WHATSAPP_PROVIDER: 'cloud', WHATSAPP_API_URL: api.url, WHATSAPP_TOKEN: 'EAAG-token' };
      await withMessagingWorker(platform, cloud, async (taskQueue) => {
        expect(await replyInConversation({ temporal: platform.temporal, taskQueue }, conversation, { messageKey: key, staffId: 1, freeText: true })).toMatchObject({ ok: true });
        await waitUntil('the API to answer', async () => (await message(key)).status === 'sent');
      });
      expect(api.received).toHaveLength(1);
      expect(api.received[0]!.body).toEqual({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: conversation.address.slice(1),
        type: 'text',
        text: { preview_url: false, body: 'Uw auto is klaar.' },
        biz_opaque_callback_data: key,
      });
      expect(await message(key)).toMatchObject({ provider_message_id: 'wamid.FREE1' });
    });
  });
});

describe('W4 conversation workflow when idle (time-skipping server)', () => {
  const t = useTimeSkipping();

  it('ends 30 days after the window closed with nothing happening, and the next message starts it again with the window', async () => {
    const { location } = await createLocation(t.platform.db, { hours: false });
    const conversation = await conversationWith(t.platform, location, null);
    const now = await t.env.currentTimeMs();
    const receivedAt = new Date(now).toISOString();
    const deps = { temporal: t.env.client, taskQueue: t.taskQueue };
    await notifyInbound(deps, conversation, { inboundMessageId: 1, receivedAt });
    const plain = new Client({ connection: t.env.connection, namespace: t.env.namespace ?? 'default' });
    const handle = plain.workflow.getHandle(conversationWorkflowId(conversation.id));
    await waitUntil('the window', async () => (await handle.query(conversationStateQuery)).lastInboundAt ?? undefined);

    await t.env.sleep(30 * DAY);
    expect((await handle.describe()).status.name).toBe('RUNNING'); // 29 days after the window closed
    await t.env.sleep(2 * DAY);
    await waitUntil('the workflow to end', async () => (await handle.describe()).status.name === 'COMPLETED');
    expect(await handle.result()).toMatchObject({ lastInboundAt: receivedAt });

    const later = new Date(await t.env.currentTimeMs()).toISOString();
    await notifyInbound(deps, { ...conversation, last_inbound_at: new Date(receivedAt) }, { inboundMessageId: 2, receivedAt: later });
    const revived = plain.workflow.getHandle(conversationWorkflowId(conversation.id));
    await waitUntil('the new run', async () => ((await revived.describe()).status.name === 'RUNNING' ? true : undefined));
    await waitUntil('the new window', async () => ((await revived.query(conversationStateQuery)).lastInboundAt === later ? true : undefined));
  });
});
