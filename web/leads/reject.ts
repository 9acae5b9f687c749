import { type Request, type Response } from 'express';
import type { i18n } from 'i18next';
import { z } from 'zod';
import { LeadAlreadyDecidedError } from '../../db/appointments';
import { findLeadSummary, type LeadSummary } from '../../db/leads';
import { findLocation } from '../../db/locations';
import { smsEnabled } from '../../db/messages';
import { companyText } from '../../db/templates';
import { leadMessageValues } from '../../lib/leadMessages';
import { renderTemplate } from '../../lib/templates';
import type { Channel } from '../../lib/messaging';
import { smsMaxLength } from '../../lib/messaging/smsParts';
import { fieldErrors, parseForm } from '../errors';
import { requireStaff } from '../middleware/auth';
import { requirePermission } from '../middleware/permissions';
import { render } from '../render';
import { rejectLead, type LeadDeps } from './service';
import { featureRouter } from '../router';

const view = (name: string) => `leads/views/${name}`;

const rejectSchema = z.discriminatedUnion('channel', [
  z.object({
    channel: z.literal('email'),
    subject: z.string().trim().min(1, 'required').max(200, 'tooLong'),
    body: z.string().trim().min(1, 'required').max(10_000, 'tooLong'),
  }),
  z.object({
    channel: z.literal('sms'),
    subject: z.string().default(''),
    body: z.string().trim().min(1, 'required').max(smsMaxLength, 'smsTooLong'),
  }),
], { error: 'channel' });

/**
 * M2 "Reject": staff choose e-mail (always) or SMS (where the company has it
 * and the customer gave a phone number); the text comes pre-filled from the
 * rejection template in the customer's language and can be edited.
 */
export function createLeadRejectRouter(deps: LeadDeps & { i18n: i18n; smsAvailable: boolean }) {
  const router = featureRouter();
  const { db } = deps;
  router.use('/staff/leads/:id/reject', requireStaff, requirePermission(db, 'lead_manager'));

  async function channelsFor(lead: LeadSummary): Promise<Channel[]> {
    return deps.smsAvailable && lead.phone && (await smsEnabled(db, lead.company_id)) ? ['email', 'sms'] : ['email'];
  }

  async function dialog(req: Request, res: Response, lead: LeadSummary, channel: Channel, values?: Record<string, string>, errors: Record<string, string> = {}) {
    const channels = await channelsFor(lead);
    const location = (await findLocation(db, lead.location_id))!;
    const template = await companyText(db, lead.company_id, 'lead_rejection', channel, lead.language);
    const prefilled = renderTemplate(template, leadMessageValues(lead, location, deps.i18n.getFixedT(lead.language)));
    render(req, res, view('reject'), {
      lead,
      channel,
      channels,
      recipient: channel === 'sms' ? lead.phone : lead.email,
      smsMaxLength,
      values: values ?? { subject: prefilled.subject, body: prefilled.text },
      errors,
    });
  }

  const openLead = async (req: Request): Promise<LeadSummary | undefined> => {
    const lead = await findLeadSummary(db, Number(req.params.id));
    return lead && lead.company_id === req.staff!.company_id ? lead : undefined;
  };

  router.get('/staff/leads/:id/reject', async (req, res, next) => {
    const lead = await openLead(req);
    if (!lead) return next();
    if (lead.status !== 'new') return res.redirect(303, `/staff/leads/${lead.id}`);
    const channels = await channelsFor(lead);
    const channel = channels.find((c) => c === req.query.channel) ?? 'email';
    await dialog(req, res, lead, channel);
  });

  router.post('/staff/leads/:id/reject', async (req, res, next) => {
    const lead = await openLead(req);
    if (!lead) return next();
    const channels = await channelsFor(lead);
    const parsed = parseForm(rejectSchema, req.body);
    const channel: Channel = channels.find((c) => c === req.body.channel) ?? 'email';
    if (!parsed.success || !channels.includes(parsed.data.channel)) {
      res.status(422);
      const errors = parsed.success ? { channel: 'channel' } : fieldErrors(parsed.error.issues);
      return dialog(req, res, lead, channel, req.body, errors);
    }
    try {
      await rejectLead(deps, lead, {
        channel: parsed.data.channel,
        recipient: parsed.data.channel === 'sms' ? lead.phone : lead.email,
        subject: parsed.data.subject,
        body: parsed.data.body,
        staffId: req.staff!.id,
      });
    } catch (error) {
      if (!(error instanceof LeadAlreadyDecidedError)) throw error;
      res.status(409);
      return dialog(req, res, lead, channel, req.body, { form: 'leadDecided' });
    }
    res.redirect(303, `/staff/leads/${lead.id}?done=rejected`);
  });

  return router;
}
