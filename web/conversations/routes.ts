import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { smsMaxLength } from '../../lib/messaging/smsParts';
import { whatsappTextMaxLength } from '../../lib/messaging/whatsapp';
import { fieldErrors, parseForm, type FieldErrors } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import { featureRouter, rowId } from '../router';
import { addComment, conversationPage, moveMessage, sendReply, type ConversationDeps, type ReplyForm } from './service';

const nonce = z.uuid().optional().catch(undefined);
const replySchema = z.discriminatedUnion('message', [
  z.object({ message: z.literal('text'), text: z.string().trim().min(1, 'textRequired').max(Math.max(smsMaxLength, whatsappTextMaxLength), 'tooLong'), template: z.string().default(''), nonce }),
  z.object({ message: z.literal('template'), template: z.string().min(1, 'templateRequired'), text: z.string().default(''), nonce }),
]);
const commentSchema = z.object({ body: z.string().trim().min(1, 'commentRequired').max(2000, 'tooLong') });

const text = (value: unknown) => (typeof value === 'string' ? value : '');
/** The board's redirect after a move made with the page's Move-to control (web/board/routes.ts). */
const moveQuery = z.object({
  outcome: z.enum(['moved', 'conflict', 'refused', 'incomplete']),
  refusal: z.string().regex(/^[A-Za-z]{1,40}$/).optional().catch(undefined),
});

/**
 * W4 conversation page of a board card, W6 backchannel. Every staff role opens
 * it, comments and moves the card; the customer's contact details and messages
 * (reading and writing them) are for the office roles, as on the customer
 * page: a mechanic's page has the vehicle, the column and the backchannel.
 */
export function createConversationsRouter(deps: ConversationDeps) {
  const router = featureRouter();
  const office = [requireStaff, requireRole('admin', 'service_advisor', 'receptionist')];
  const base = (id: number) => `/staff/board/cards/${id}/conversation`;

  async function page(
    req: Request,
    res: Response,
    next: NextFunction,
    form: { reply?: Partial<ReplyForm>; comment?: string; errors?: FieldErrors; refusal?: string } = {},
  ) {
    const id = rowId(req.params.id)!;
    const data = await conversationPage(deps, req.staff!, id, req.language);
    if (!data) return next();
    const notice = ['sent', 'commented'].includes(text(req.query.done)) ? text(req.query.done) : '';
    const moved = moveQuery.safeParse(req.query);
    const move = moved.success ? await moveMessage(deps, req.staff!, id, moved.data, res.locals.t, req.language) : {};
    render(
      req,
      res,
      'conversations/views/conversation',
      { ...data, move, action: base(id), reply: { message: 'text', text: '', template: '', ...form.reply }, comment: form.comment ?? '', errors: form.errors ?? {}, refusal: form.refusal ?? '', notice },
      'conversations/views/_conversation',
    );
  }

  router.get('/staff/board/cards/:id/conversation', requireStaff, (req: Request, res: Response, next: NextFunction) => page(req, res, next));

  router.post('/staff/board/cards/:id/conversation/messages', office, async (req: Request, res: Response, next: NextFunction) => {
    const id = rowId(req.params.id)!;
    const values = { message: text(req.body?.message) || 'text', text: text(req.body?.text), template: text(req.body?.template), nonce: text(req.body?.nonce) || undefined };
    const parsed = parseForm(replySchema, values);
    if (!parsed.success) {
      res.status(422);
      return page(req, res, next, { reply: values as Partial<ReplyForm>, errors: fieldErrors(parsed.error.issues) });
    }
    const outcome = await sendReply(deps, req.staff!, id, parsed.data);
    if (!outcome.sent) {
      req.log.info({ appointment: id, refusal: outcome.refusal }, 'conversation reply refused');
      res.status(422);
      return page(req, res, next, { reply: parsed.data, refusal: outcome.refusal });
    }
    res.redirect(303, `${base(id)}?done=sent#messages`);
  });

  router.post('/staff/board/cards/:id/comments', requireStaff, async (req: Request, res: Response, next: NextFunction) => {
    const id = rowId(req.params.id)!;
    const parsed = parseForm(commentSchema, { body: text(req.body?.body) });
    if (!parsed.success) {
      res.status(422);
      return page(req, res, next, { comment: text(req.body?.body), errors: fieldErrors(parsed.error.issues) });
    }
    await addComment(deps, req.staff!, id, parsed.data);
    res.redirect(303, `${base(id)}?done=commented#backchannel`);
  });

  return router;
}
