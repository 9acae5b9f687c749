import { type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { findAppointment, type AppointmentRow } from '../../db/appointments';
import { addInterventionFromRemark, findRemark, type CheckinItem } from '../../db/checkinItems';
import { addWorkLine, deleteWorkLine, findWorkLine, updateWorkLine } from '../../db/workLines';
import { formatPriceInput, parsePriceToCents } from '../../lib/money';
import { fieldErrors, type FieldErrors, parseForm } from '../errors';
import { requireRole } from '../middleware/auth';
import { render } from '../render';
import { mayPlanRoles, view } from './page';
import { featureRouter, rowId } from '../router';

const workLineSchema = z.object({
  description: z.string().trim().min(1, 'errors.required').max(500, 'errors.tooLong'),
  remarks: z.string().trim().max(2000, 'errors.tooLong').default(''),
  // Empty while the price is not known yet.
  price: z
    .string()
    .trim()
    .default('')
    .transform((text, ctx) => {
      const cents = text === '' ? 0 : parsePriceToCents(text);
      if (cents === undefined) ctx.addIssue({ code: 'custom', message: 'appointments.workLines.errors.price' });
      return cents ?? 0;
    }),
  // C7: the check-in remark this intervention is made from.
  remark: z.union([z.literal(''), z.coerce.number().int().positive()]).default(''),
});

/** Work lines ("interventions") of an appointment: add, edit, delete; the add form also handles a remark (C7). */
export function createWorkLinesRouter({ db }: { db: Knex }) {
  const router = featureRouter();
  const planners = requireRole(...mayPlanRoles);
  const base = (appointment: AppointmentRow) => `/staff/appointments/${appointment.id}`;

  const plannedAppointment = async (req: Request) => {
    const id = rowId(req.params.id);
    const appointment = id ? await findAppointment(db, req.staff!.company_id, id) : undefined;
    return appointment?.status === 'planned' ? appointment : undefined;
  };
  const workLineOf = async (req: Request, appointment: AppointmentRow | undefined) => {
    const id = rowId(req.params.line);
    return appointment && id ? findWorkLine(db, appointment.id, id) : undefined;
  };

  /** The remark named by `remarkId` (a form field or the query), of this appointment. */
  const remarkOf = async (appointment: AppointmentRow, remarkId: unknown) => {
    const id = rowId(remarkId);
    return id ? findRemark(db, appointment.id, id) : undefined;
  };

  async function form(
    req: Request,
    res: Response,
    appointment: AppointmentRow,
    values: Record<string, string>,
    errors: FieldErrors,
    { lineId, remark }: { lineId?: number; remark?: CheckinItem } = {},
  ) {
    remark ??= await remarkOf(appointment, values.remark);
    render(req, res, view('workLine'), { appointment, lineId, remark, values, errors });
  }

  const parse = (body: unknown) => {
    const parsed = parseForm(workLineSchema, body, 'errors.');
    return parsed.success ? { ok: true as const, line: parsed.data } : { ok: false as const, errors: fieldErrors(parsed.error.issues) };
  };

  router.get('/staff/appointments/:id/work-lines/new', planners, async (req, res, next) => {
    const appointment = await plannedAppointment(req);
    if (!appointment) return next();
    const remark = await remarkOf(appointment, req.query.remark);
    // C7: "add intervention" from a remark starts from the customer's words.
    const values = remark ? { description: remark.subject, remarks: remark.description, price: '', remark: String(remark.id) } : {};
    await form(req, res, appointment, { description: '', remarks: '', price: '', remark: '', ...values }, {}, { remark });
  });

  router.post('/staff/appointments/:id/work-lines', planners, async (req, res, next) => {
    const appointment = await plannedAppointment(req);
    if (!appointment) return next();
    const result = parse(req.body);
    if (!result.ok) {
      res.status(422);
      return form(req, res, appointment, req.body as Record<string, string>, result.errors);
    }
    const { description, remarks, price, remark } = result.line;
    const input = { description, remarks, priceCents: price };
    let done = 'workLineAdded';
    if (remark) {
      const added = await addInterventionFromRemark(db, appointment.id, remark, input, req.staff!.id);
      if (!added) return next();
      if (!added.created) done = 'interventionExisted';
    } else {
      await addWorkLine(db, appointment.id, input, req.staff!.id);
    }
    res.redirect(303, `${base(appointment)}?done=${done}#work-lines`);
  });

  router.get('/staff/appointments/:id/work-lines/:line/edit', planners, async (req, res, next) => {
    const appointment = await plannedAppointment(req);
    const line = await workLineOf(req, appointment);
    if (!appointment || !line) return next();
    const values = { description: line.description, remarks: line.remarks, price: formatPriceInput(line.price_cents, req.language), remark: '' };
    await form(req, res, appointment, values, {}, { lineId: line.id });
  });

  router.post('/staff/appointments/:id/work-lines/:line', planners, async (req, res, next) => {
    const appointment = await plannedAppointment(req);
    const line = await workLineOf(req, appointment);
    if (!appointment || !line) return next();
    const result = parse({ ...req.body, remark: '' });
    if (!result.ok) {
      res.status(422);
      return form(req, res, appointment, req.body as Record<string, string>, result.errors, { lineId: line.id });
    }
    const { description, remarks, price } = result.line;
    await updateWorkLine(db, appointment.id, line.id, { description, remarks, priceCents: price });
    res.redirect(303, `${base(appointment)}?done=workLineSaved#work-lines`);
  });

  router.post('/staff/appointments/:id/work-lines/:line/delete', planners, async (req, res, next) => {
    const appointment = await plannedAppointment(req);
    const line = await workLineOf(req, appointment);
    if (!appointment || !line) return next();
    await deleteWorkLine(db, appointment.id, line.id);
    res.redirect(303, `${base(appointment)}?done=workLineDeleted#work-lines`);
  });

  return router;
}
