import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { replyInConversation } from '../../clients/conversationWorkflow';
import {
  addAppointmentComment,
  appointmentComments,
  customerConversations,
  ensureConversation,
  findConversationCard,
  markConversationsRead,
  type Conversation,
  type ConversationCard,
  type ConversationChannel,
} from '../../db/conversations';
import { boardCard } from '../../db/board';
import { lastMove } from '../../db/boardEvents';
import { customerTimeline, findCustomerFile } from '../../db/customerTimeline';
import { discardMessage, queueMessage } from '../../db/messages';
import { companyText } from '../../db/templates';
import type { StaffUser } from '../../db/staff';
import { columnOfStep } from '../../lib/board';
import { windowClosesAt, windowOpen } from '../../lib/conversationWindow';
import type { JobStep } from '../../workflows/jobLifecycle.contract';
import { smsMaxLength } from '../../lib/messaging/smsParts';
import { whatsappTextMaxLength } from '../../lib/messaging/whatsapp';
import { renderTemplate, templateValues, whatsappTemplate, type SingleTextPurpose } from '../../lib/templates';
import type { TFunction } from '../../lib/i18n';
import { formatLocalDateTimeShort } from '../../lib/time';
import { conflictMessage } from '../board/service';
import { timelineEntryView } from '../customers/service';
import { UserError } from '../errors';

export interface ConversationDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  /** SMS_PROVIDER is not none */
  smsAvailable: boolean;
  /** WHATSAPP_PROVIDER is not none */
  whatsappAvailable: boolean;
}

/** The templates staff may send from a conversation (the one template system, lib/templates.ts). */
export const conversationTemplates = ['conversation_followup'] as const satisfies readonly SingleTextPurpose[];
export type ConversationTemplate = (typeof conversationTemplates)[number];

/**
 * The channel a card's customer is written to, and the number: WhatsApp
 * where the company has it (and the deployment a provider), else SMS; the
 * number their conversation on it has (the one they wrote from), else their
 * mobile number in the master. Null when there is no channel or no number.
 */
function channelOf(
  deps: Pick<ConversationDeps, 'smsAvailable' | 'whatsappAvailable'>,
  card: ConversationCard,
  conversations: Partial<Record<ConversationChannel, Conversation>>,
): { channel: ConversationChannel; address: string } | null {
  if (!card.customer_id) return null;
  const channel = card.whatsapp_enabled && deps.whatsappAvailable ? 'whatsapp' : card.sms_enabled && deps.smsAvailable ? 'sms' : null;
  const address = channel ? conversations[channel]?.address || card.phone_normalized : '';
  return channel && address ? { channel, address } : null;
}

const valuesOf = (card: ConversationCard) =>
  templateValues({
    language: card.language,
    customer: { firstName: card.first_name, lastName: card.last_name },
    location: { name: card.location_name, phone: card.location_phone, timeZone: card.time_zone },
    plate: card.plate ?? '',
    startsAt: card.starts_at,
  });

export interface ReplyForm {
  /** 'text': free text; 'template': one of conversationTemplates */
  message: 'text' | 'template';
  text: string;
  template: string;
  /** the form's own id (a UUID written into it): the same form posted twice is one message */
  nonce?: string;
}

export interface CommentForm {
  body: string;
}

/**
 * W4: the conversation page of a card: the customer's messages in and out
 * (the customer timeline's messages), contact details, vehicle, the message
 * box as the window allows, the backchannel. Opening it marks what the
 * customer wrote as read (W5). Undefined when the card is none of the
 * company's (404).
 */
export async function conversationPage(
  deps: ConversationDeps,
  staff: Pick<StaffUser, 'id' | 'company_id' | 'role'>,
  appointmentId: number,
  language: string,
  now = Date.now(),
) {
  const found = await findConversationCard(deps.db, staff.company_id, appointmentId);
  if (!found) return undefined;
  // A mechanic (the workshop floor) reads neither the customer's contact details nor their messages (as on the
  // customer page), so opening the page reads nothing either.
  const readsMessages = staff.role !== 'mechanic';
  const card = readsMessages ? found : { ...found, email: '', phone: '', phone_normalized: '' };
  const customer = readsMessages && card.customer_id ? await findCustomerFile(deps.db, staff.company_id, card.customer_id) : undefined;
  const conversations = customer ? await customerConversations(deps.db, customer.id) : {};
  if (customer) await markConversationsRead(deps.db, customer.id, staff.id);
  const [timeline, comments] = await Promise.all([
    customer ? customerTimeline(deps.db, customer, { filters: ['messages'], limit: 100 }) : { entries: [], next: null },
    appointmentComments(deps.db, card.id),
  ]);
  const channel = channelOf(deps, card, conversations)?.channel ?? null;
  const conversation = channel ? conversations[channel] : undefined;
  const at = (date: Date | null) => (date ? formatLocalDateTimeShort(date, card.time_zone, language) : '');
  const closes = channel === 'whatsapp' ? windowClosesAt(conversation?.last_inbound_at) : null;
  const open = channel === 'sms' || (channel === 'whatsapp' && windowOpen(conversation?.last_inbound_at, now));
  const templates = await Promise.all(
    channel
      ? conversationTemplates.map(async (purpose) => {
          const text = await companyText(deps.db, staff.company_id, purpose, channel, card.language);
          return { purpose, text: renderTemplate(text, valuesOf(card)).text };
        })
      : [],
  );
  return {
    card: { ...card, column: columnOfStep(card.job_step as JobStep | null), startsLabel: at(card.starts_at) },
    readsMessages,
    /** each rendering's reply forms carry their own id (ReplyForm.nonce) */
    nonce: randomUUID(),
    customer,
    channel,
    freeTextAllowed: open,
    window: channel === 'whatsapp' ? { open, closesAt: closes?.toISOString() ?? null, closesLabel: at(closes), everWrote: !!conversation?.last_inbound_at } : null,
    maxLength: channel === 'sms' ? smsMaxLength : whatsappTextMaxLength,
    templates,
    messages: timeline.entries.map((entry) => timelineEntryView(entry, card.time_zone, language)).reverse(),
    comments: comments.map((comment) => ({ ...comment, whenLabel: at(comment.created_at), iso: comment.created_at.toISOString() })),
  };
}

/** What a move made with the page's Move-to control did (the board's redirect back names it). */
export interface MoveResult {
  outcome: 'moved' | 'conflict' | 'refused' | 'incomplete';
  refusal?: string;
}

/** The move's message on the conversation page, worded as the board words it. */
export async function moveMessage(
  deps: Pick<ConversationDeps, 'db'>,
  staff: Pick<StaffUser, 'company_id'>,
  appointmentId: number,
  result: MoveResult,
  t: TFunction,
  language: string,
): Promise<{ notice?: string; alert?: string }> {
  const card = await boardCard(deps.db, staff.company_id, appointmentId);
  if (!card) return {};
  const name = `${card.first_name} ${card.last_name}`.trim() || t('board.card.noName');
  if (result.outcome === 'moved') return { notice: t('board.moved', { name, column: t(`board.columns.${card.column}`) }) };
  if (result.outcome === 'conflict') return { alert: conflictMessage(t, language, card, await lastMove(deps.db, card.id)) };
  if (result.outcome === 'refused' && result.refusal) return { alert: t(`jobs.refused.${result.refusal}`) };
  return { alert: t('board.incomplete') };
}

export type ReplyOutcome = { sent: true } | { sent: false; refusal: 'windowClosed' | 'noChannel' };

/**
 * W4: staff write to the card's customer. The message is queued in the
 * outbox first (the text stays out of workflow history), then handed to the
 * conversation's workflow as its `reply` Update, which refuses free text on
 * WhatsApp outside the window; a refused message is taken back.
 */
export async function sendReply(deps: ConversationDeps, staff: Pick<StaffUser, 'id' | 'company_id'>, appointmentId: number, form: ReplyForm): Promise<ReplyOutcome> {
  const card = await findConversationCard(deps.db, staff.company_id, appointmentId);
  if (!card) throw new UserError('notFound', 404, `no appointment ${appointmentId}`);
  const to = card.customer_id ? channelOf(deps, card, await customerConversations(deps.db, card.customer_id)) : null;
  if (!to || !card.customer_id) return { sent: false, refusal: 'noChannel' };
  const { channel } = to;
  const conversation = await ensureConversation(deps.db, { companyId: card.company_id, customerId: card.customer_id, channel, address: to.address });
  const freeText = form.message === 'text';
  // The same form posted twice with the same content (a double click, a resend) is one message: queueMessage keeps
  // the first and the workflow's steps are idempotent; what was changed before posting again is a message of its own.
  const content = createHash('sha256').update(JSON.stringify([form.message, form.text, form.template])).digest('hex').slice(0, 16);
  const messageKey = `conversation-${conversation.id}:reply:${form.nonce ?? randomUUID()}:${content}`;
  let body = form.text;
  let template;
  if (!freeText) {
    const purpose = conversationTemplates.find((p) => p === form.template);
    if (!purpose) throw new UserError('badRequest', 400, `not a conversation template: ${form.template}`);
    const values = valuesOf(card);
    body = renderTemplate(await companyText(deps.db, card.company_id, purpose, channel, card.language), values).text;
    if (channel === 'whatsapp') template = whatsappTemplate(purpose, card.language, values);
  }
  await queueMessage(deps.db, {
    idempotencyKey: messageKey,
    channel,
    kind: freeText ? 'conversation_reply' : form.template,
    recipient: conversation.address,
    subject: '',
    body,
    template,
    session: channel === 'whatsapp' && freeText,
    appointmentId: card.id,
    customerId: card.customer_id,
    jobId: card.job_id ?? undefined,
    conversationId: conversation.id,
  });
  const outcome = await replyInConversation(deps, conversation, { messageKey, staffId: staff.id, freeText });
  if (!outcome.ok) {
    await discardMessage(deps.db, messageKey);
    return { sent: false, refusal: outcome.refusal };
  }
  return { sent: true };
}

/** W6: an internal comment on the card, never sent. */
export async function addComment(deps: Pick<ConversationDeps, 'db'>, staff: Pick<StaffUser, 'id' | 'company_id'>, appointmentId: number, form: CommentForm): Promise<void> {
  const card = await findConversationCard(deps.db, staff.company_id, appointmentId);
  if (!card) throw new UserError('notFound', 404, `no appointment ${appointmentId}`);
  await addAppointmentComment(deps.db, card.id, staff.id, form.body);
}
