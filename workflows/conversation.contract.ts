/**
 * W4/W5: one customer conversation on one channel (conversations row), as the
 * webhooks, the conversation page and the worker see it:
 * workflows/conversation.ts is the workflow.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export type ConversationChannel = 'sms' | 'whatsapp';

export interface ConversationInput {
  conversationId: number;
  channel: ConversationChannel;
  /** how long free text may follow the customer's last message (lib/conversationWindow.ts conversationWindowMs) */
  windowMs: number;
  /** ISO instants, as the database has them when the workflow (re)starts */
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  /** carried over continue-as-new: replies handled by earlier runs */
  replies?: number;
  /** the history length after which the workflow continues as new (default 2,000 events; tests set fewer) */
  historyLimit?: number;
  /** how long the workflow stays after the window closed and nothing happened (default 30 days); the next message starts it again */
  idleMs?: number;
}

export interface ConversationState {
  conversationId: number;
  channel: ConversationChannel;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  /** when free text stops being allowed (WhatsApp); null when the customer never wrote, or for SMS */
  windowClosesAt: string | null;
  replies: number;
}

/** What the inbound webhook tells: ids and times only, no text (no personal data in history). */
export interface InboundNotice {
  inboundMessageId: number;
  receivedAt: string;
}

/** A staff reply, already written to the outbox (db/messages.ts queueMessage) under `messageKey`. */
export interface ReplyInput {
  messageKey: string;
  staffId: number;
  /** free text (a WhatsApp session message), which the 24-hour window rules; false: an approved template */
  freeText: boolean;
}

export interface ReplyResult {
  messageKey: string;
  windowClosesAt: string | null;
}

/** The ApplicationFailure type of a free-text reply refused outside the window; its details[0] is when the window closed (or null). */
export const windowClosedFailure = 'WindowClosed';

/** W5: a customer's message was stored (Signal-With-Start). */
export const inboundSignal = defineSignal<[InboundNotice]>('inbound');
/** W4: staff answer; the validator refuses free text outside the WhatsApp window, so a refused reply never enters history. */
export const replyUpdate = defineUpdate<ReplyResult, [ReplyInput]>('reply');
export const conversationStateQuery = defineQuery<ConversationState>('state');

export const conversationWorkflowId = (conversationId: number) => `conversation-${conversationId}`;

export const conversationWorkflowType = 'conversationWorkflow';
export type ConversationWorkflow = (input: ConversationInput) => Promise<ConversationState>;
