import { type Request, type Response } from 'express';
import { z } from 'zod';
import { findLeadForAppointment, type LeadForAppointment } from '../../db/appointments';
import { isLocalDateTime } from '../../lib/validation';
import { durations } from '../appointments/page';
import { parseForm } from '../errors';
import { requireStaff } from '../middleware/auth';
import { requirePermission } from '../middleware/permissions';
import { render } from '../render';
import { featureRouter, rowId } from '../router';
import { createLeadAppointment, leadAppointmentDialog, type LeadDeps } from './service';

const createSchema = z.object({
  choice: z.enum(['existing', 'lead_data', 'master_data', 'new_customer', 'cash_sale'], { message: 'choice' }),
  customer: z.coerce.number().int().positive().optional(),
  starts: z.string().refine(isLocalDateTime, 'dateTime'),
  duration: z.coerce.number().refine((value) => (durations as readonly number[]).includes(value), 'duration'),
  notes: z.string().max(2000, 'tooLong').default(''),
});

/** M2 "Create appointment" for a lead, with the M7 duplicate dialog and the M8 vehicle check (web/leads/service.ts createLeadAppointment). */
export function createLeadAppointmentRouter(deps: LeadDeps) {
  const { db } = deps;
  const router = featureRouter();
  router.use('/staff/leads/:id/appointment', requireStaff, requirePermission(db, 'lead_manager'));

  async function dialog(req: Request, res: Response, lead: LeadForAppointment, values: Record<string, string>, errors: Record<string, string> = {}) {
    const { defaults, ...shown } = await leadAppointmentDialog(db, lead);
    render(req, res, 'leads/views/appointment', { lead, ...shown, durations, values: { ...defaults, ...values }, errors });
  }

  const leadOf = async (req: Request) => {
    const id = rowId(req.params.id);
    return id ? findLeadForAppointment(db, req.staff!.company_id, id) : undefined;
  };

  router.get('/staff/leads/:id/appointment', async (req, res, next) => {
    const lead = await leadOf(req);
    if (!lead) return next();
    if (lead.status !== 'new' || lead.appointment_id) return res.redirect(303, `/staff/leads/${lead.id}`);
    await dialog(req, res, lead, {});
  });

  router.post('/staff/leads/:id/appointment', async (req, res, next) => {
    const lead = await leadOf(req);
    if (!lead) return next();
    const typed = req.body as Record<string, string>;
    const parsed = parseForm(createSchema, req.body);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      res.status(422);
      return dialog(req, res, lead, typed, errors);
    }
    const outcome = await createLeadAppointment(deps, lead, { ...parsed.data, staffId: req.staff!.id });
    if (outcome.status === 'created') return res.redirect(303, `/staff/appointments/${outcome.appointment.id}?created=${outcome.appointment.vehicle}`);
    res.status(outcome.status === 'invalid' ? 422 : 409);
    await dialog(req, res, lead, typed, outcome.status === 'invalid' ? outcome.errors : { form: 'leadDecided' });
  });

  return router;
}
