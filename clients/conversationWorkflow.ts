import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Conversation } from '../db/conversations';
import { conversationWindowMs } from '../lib/conversationWindow';
import {
  conversationWorkflowId,
  conversationWorkflowType,
  inboundSignal,
  replyUpdate,
  windowClosedFailure,
  type ConversationInput,
  type ConversationWorkflow,
  type InboundNotice,
  type ReplyInput,
} from '../workflows/conversation.contract';
import type { WorkflowDeps } from './temporal';

const iso = (at: Date | null) => (at ? new Date(at).toISOString() : null);

/** What a conversation's workflow starts from: the database's times (a revived workflow picks up where the last ended). */
const startInput = (conversation: Conversation): ConversationInput => ({
  conversationId: conversation.id,
  channel: conversation.channel,
  windowMs: conversationWindowMs,
  lastInboundAt: iso(conversation.last_inbound_at),
  lastOutboundAt: iso(conversation.last_outbound_at),
});

/**
 * W5: a customer's message was stored; its conversation's workflow hears it,
 * started (again) when it is not running. Only ids and times travel.
 */
export async function notifyInbound(deps: WorkflowDeps, conversation: Conversation, notice: InboundNotice): Promise<void> {
  await deps.temporal.workflow.signalWithStart<ConversationWorkflow, [InboundNotice]>(conversationWorkflowType, {
    workflowId: conversationWorkflowId(conversation.id),
    taskQueue: deps.taskQueue,
    args: [startInput(conversation)],
    signal: inboundSignal,
    signalArgs: [notice],
    // An ended (idle) conversation starts again with the next message.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

export type ReplyOutcome = { ok: true; windowClosesAt: string | null } | { ok: false; refusal: 'windowClosed'; windowClosesAt: string | null };

/**
 * W4: a staff reply, already in the outbox under `input.messageKey`, goes to
 * the conversation's workflow (Update-With-Start: an idle conversation starts
 * again). Answers the workflow's refusal when free text is sent outside the
 * WhatsApp window; the caller takes the queued message back then.
 */
export async function replyInConversation(deps: WorkflowDeps, conversation: Conversation, input: ReplyInput): Promise<ReplyOutcome> {
  const start = new WithStartWorkflowOperation<ConversationWorkflow>(conversationWorkflowType, {
    workflowId: conversationWorkflowId(conversation.id),
    taskQueue: deps.taskQueue,
    args: [startInput(conversation)],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  try {
    const result = await deps.temporal.workflow.executeUpdateWithStart(replyUpdate, { args: [input], startWorkflowOperation: start });
    return { ok: true, windowClosesAt: result.windowClosesAt };
  } catch (error) {
    const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === windowClosedFailure) {
      return { ok: false, refusal: 'windowClosed', windowClosesAt: (cause.details?.[0] as string | null | undefined) ?? null };
    }
    throw error;
  }
}
