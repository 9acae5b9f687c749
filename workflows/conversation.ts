/**
 * W4/W5: one customer conversation on one channel. The customer's messages
 * arrive by Signal-With-Start (stored by the webhook first; the signal says
 * only which and when). Staff replies are an Update: free text on WhatsApp
 * only within the window after the customer's last message (the validator
 * refuses it outside, before it enters history), a template always, SMS
 * always. An accepted reply is attached to the conversation and delivered
 * by the one message path (deliverQueuedMessage). The workflow continues as
 * new before its history grows large, and ends once it has been idle a
 * while after the window closed; the next message or reply starts it again.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createConversationActivities } from '../activities/conversations';
import {
  conversationStateQuery,
  inboundSignal,
  replyUpdate,
  windowClosedFailure,
  type ConversationInput,
  type ConversationState,
  type ReplyInput,
} from './conversation.contract';
import { deliverQueuedMessage } from './retry';

const conversations = proxyActivities<ReturnType<typeof createConversationActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const DAY = 24 * 60 * 60 * 1000;
const defaultHistoryLimit = 2_000;
const defaultIdleMs = 30 * DAY;

const time = (iso: string | null): number => (iso ? Date.parse(iso) : 0);
const later = (a: string | null, b: string): string => (time(a) >= Date.parse(b) ? a! : b);

export async function conversationWorkflow(input: ConversationInput): Promise<ConversationState> {
  const { conversationId, channel, windowMs } = input;
  let lastInboundAt = input.lastInboundAt;
  let lastOutboundAt = input.lastOutboundAt;
  let replies = input.replies ?? 0;
  let lastActivity = Date.now();
  let changes = 0;
  let delivering = 0;

  const windowClosesAt = () => (channel === 'whatsapp' && lastInboundAt ? new Date(time(lastInboundAt) + windowMs).toISOString() : null);
  const windowOpen = () => lastInboundAt !== null && time(lastInboundAt) + windowMs > Date.now();
  const state = (): ConversationState => ({ conversationId, channel, lastInboundAt, lastOutboundAt, windowClosesAt: windowClosesAt(), replies });

  setHandler(conversationStateQuery, state);
  setHandler(inboundSignal, ({ receivedAt }) => {
    lastInboundAt = later(lastInboundAt, receivedAt);
    lastActivity = Date.now();
    changes += 1;
  });
  setHandler(
    replyUpdate,
    async ({ messageKey }: ReplyInput) => {
      await conversations.recordConversationReply(conversationId, messageKey);
      lastOutboundAt = new Date().toISOString();
      lastActivity = Date.now();
      replies += 1;
      changes += 1;
      // Staff get their answer once the reply is in the conversation; a provider that is down is retried meanwhile.
      delivering += 1;
      void deliverQueuedMessage(messageKey)
        .catch((error: unknown) => log.warn('conversation reply not delivered', { conversationId, messageKey, error: String(error) }))
        .finally(() => (delivering -= 1));
      return { messageKey, windowClosesAt: windowClosesAt() };
    },
    {
      validator: ({ freeText }: ReplyInput) => {
        if (channel === 'whatsapp' && freeText && !windowOpen()) {
          throw ApplicationFailure.create({
            type: windowClosedFailure,
            nonRetryable: true,
            message: `free text is allowed only within ${windowMs / 3_600_000} h of the customer's last message; send a template`,
            details: [windowClosesAt()],
          });
        }
      },
    },
  );

  const historyLimit = input.historyLimit ?? defaultHistoryLimit;
  const idleMs = input.idleMs ?? defaultIdleMs;
  const mustContinue = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit;
  const settled = () => allHandlersFinished() && delivering === 0;

  for (;;) {
    const seen = changes;
    const idleUntil = Math.max(time(windowClosesAt()), lastActivity) + idleMs;
    await condition(() => changes !== seen || mustContinue(), Math.max(idleUntil - Date.now(), 1));
    if (mustContinue()) {
      await condition(settled);
      await continueAsNew<typeof conversationWorkflow>({ ...input, lastInboundAt, lastOutboundAt, replies });
    }
    if (changes === seen) {
      // Idle long enough: end, once every reply is out (a reply arriving meanwhile keeps it going).
      await condition(settled);
      if (changes === seen) return state();
    }
  }
}
