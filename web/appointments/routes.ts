import { type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  addWalkInVehicleToMaster,
  cancelAppointment,
  copyContactToMaster,
  createAppointmentFromLead,
  duplicateCandidates,
  findAppointment,
  findCustomerByNumber,
  findLeadForAppointment,
  LeadAlreadyDecidedError,
  listAppointments,
  listPinnedAppointments,
  withdrawAppointment,
  type AppointmentRow,
  type CustomerChoice,
  type LeadForAppointment,
} from '../../db/appointments';
import { companyTimeZone, findLocation } from '../../db/locations';
import { appointmentCancelled, startCheckinWorkflow } from '../../clients/checkinWorkflow';
import { formatLocalDateTimeShort } from '../../lib/time';
import { isCalendarDate, isLocalDateTime } from '../../lib/validation';
import { parseForm, UserError } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { requirePermission } from '../middleware/permissions';
import { render } from '../render';
import { createCheckinHandlingRouter } from './checkin';
import { confirmationChannels, confirmationChannelsOf, sendAppointmentConfirmation, type ConfirmationDeps } from './confirmation';
import { createMoveRouter } from './move';
import { durations, mayPlanRoles, renderAppointmentPage, view } from './page';
import { createWorkLinesRouter } from './workLines';
import { featureRouter, rowId } from '../router';

/** What the lead's D3 workflow must hear from appointments (M2, M3). */
export interface LeadEvents {
  appointmentCreated(leadId: number, appointmentId: number, staffId: number): Promise<void>;
  appointmentDeleted(leadId: number, staffId: number | null): Promise<void>;
}

const windowStart = { morning: '08:00', afternoon: '13:00', any: '08:00' } as const;

const createSchema = z.object({
  choice: z.enum(['existing', 'lead_data', 'master_data', 'new_customer', 'cash_sale'], { message: 'choice' }),
  customer: z.coerce.number().int().positive().optional(),
  starts: z.string().refine(isLocalDateTime, 'dateTime'),
  duration: z.coerce.number().refine((value) => (durations as readonly number[]).includes(value), 'duration'),
  notes: z.string().max(2000, 'tooLong').default(''),
});

/**
 * M2 "Create appointment" with the M7 duplicate dialog and M8 vehicle check;
 * the appointment page and overview (M9) with the customer's check-in
 * (C5-C8), work lines and moving.
 */
export function createAppointmentsRouter(deps: ConfirmationDeps & { leads: LeadEvents; uploadDir: string }) {
  const { db, leads } = deps;
  const router = featureRouter();
  router.use('/staff', requireStaff);
  const mayPlan = requireRole(...mayPlanRoles);
  const leadManager = requirePermission(db, 'lead_manager');

  async function dialog(req: Request, res: Response, lead: LeadForAppointment, values: Record<string, string>, errors: Record<string, string> = {}) {
    const location = (await findLocation(db, lead.location_id))!;
    const known = lead.customer_number ? await findCustomerByNumber(db, lead.company_id, lead.customer_number) : undefined;
    const candidates = known ? [] : await duplicateCandidates(db, lead.company_id, lead);
    render(req, res, view('create'), {
      lead,
      known,
      unknownNumber: lead.customer_number && !known ? lead.customer_number : '',
      candidates,
      location,
      durations,
      values: {
        starts: `${lead.desired_date}T${windowStart[lead.time_window]}`,
        duration: '60',
        notes: '',
        customer: candidates[0] ? String(candidates[0].id) : '',
        ...values,
      },
      errors,
    });
  }

  const leadOf = async (req: Request) => {
    const id = rowId(req.params.id);
    return id ? findLeadForAppointment(db, req.staff!.company_id, id) : undefined;
  };

  router.get('/staff/leads/:id/appointment', leadManager, async (req, res, next) => {
    const lead = await leadOf(req);
    if (!lead) return next();
    if (lead.status !== 'new' || lead.appointment_id) return res.redirect(303, `/staff/leads/${lead.id}`);
    await dialog(req, res, lead, {});
  });

  router.post('/staff/leads/:id/appointment', leadManager, async (req, res, next) => {
    const lead = await leadOf(req);
    if (!lead) return next();
    const parsed = parseForm(createSchema, req.body);
    const errors: Record<string, string> = {};
    if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    const data = parsed.success ? parsed.data : undefined;
    let choice: CustomerChoice | undefined;
    if (data) {
      if (data.choice === 'existing') {
        const known = lead.customer_number ? await findCustomerByNumber(db, lead.company_id, lead.customer_number) : undefined;
        if (known) choice = { kind: 'existing', customerId: known.id };
        else errors.choice = 'choice';
      } else if (data.choice === 'lead_data' || data.choice === 'master_data') {
        if (data.customer) choice = { kind: data.choice, customerId: data.customer };
        else errors.customer = 'chooseCandidate';
      } else {
        choice = { kind: data.choice };
      }
    }
    const location = (await findLocation(db, lead.location_id))!;
    const start = data ? DateTime.fromISO(data.starts, { zone: location.time_zone }) : undefined;
    if (data && !start?.isValid) errors.starts = 'dateTime';
    if (Object.keys(errors).length > 0 || !data || !choice || !start) {
      res.status(422);
      return dialog(req, res, lead, req.body as Record<string, string>, errors);
    }
    try {
      const created = await createAppointmentFromLead(db, lead.id, choice.kind === 'existing' ? { kind: 'master_data', customerId: choice.customerId } : choice, {
        startsAt: start.toJSDate(),
        endsAt: start.plus({ minutes: data.duration }).toJSDate(),
        notes: data.notes,
        staffId: req.staff!.id,
      });
      try {
        await leads.appointmentCreated(lead.id, created.id, req.staff!.id);
      } catch (error) {
        // The lead's workflow decided otherwise (the customer cancelled, a colleague rejected): no appointment.
        await withdrawAppointment(db, created.id);
        throw error;
      }
      // D2: from now on the customer hears about the check-in at its moments.
      await startCheckinWorkflow(deps, created.id);
      res.redirect(303, `/staff/appointments/${created.id}?created=${created.vehicle}`);
    } catch (error) {
      if (!(error instanceof LeadAlreadyDecidedError)) throw error;
      res.status(409);
      await dialog(req, res, lead, req.body as Record<string, string>, { form: 'leadDecided' });
    }
  });

  router.get('/staff/appointments', async (req, res) => {
    const range = z
      .object({ from: z.string().refine(isCalendarDate).optional(), to: z.string().refine(isCalendarDate).optional() })
      .catch({})
      .parse(req.query);
    // Days as the company's (first) location counts them.
    const zone = await companyTimeZone(db, req.staff!.company_id);
    const from = range.from ? DateTime.fromISO(range.from, { zone }) : DateTime.now().setZone(zone).startOf('day');
    let to = range.to ? DateTime.fromISO(range.to, { zone }) : from.plus({ days: 7 });
    if (!from.isValid || !to.isValid || to < from) to = from.plus({ days: 7 });
    const appointments = await listAppointments(db, req.staff!.company_id, from.toJSDate(), to.plus({ days: 1 }).toJSDate());
    // C5: appointments with check-in items to handle stay on top, whatever the range.
    const pinned = await listPinnedAppointments(db, req.staff!.company_id);
    const channels = await confirmationChannelsOf(deps, req.staff!.company_id);
    const rows = (list: AppointmentRow[]) =>
      list.map((a) => ({ ...a, when: formatLocalDateTimeShort(a.starts_at, a.time_zone, req.language), channels: channels(a) }));
    render(req, res, view('appointments'), {
      pinned: rows(pinned),
      appointments: rows(appointments),
      from: from.toISODate(),
      to: to.toISODate(),
      done: typeof req.query.done === 'string' ? req.query.done : '',
      mayConfirm: req.staff!.role !== 'mechanic',
    });
  });

  router.get('/staff/appointments/:id', async (req, res, next) => {
    const id = rowId(req.params.id);
    const appointment = id ? await findAppointment(db, req.staff!.company_id, id) : undefined;
    if (!appointment) return next();
    await renderAppointmentPage(deps, req, res, appointment);
  });

  router.use(createWorkLinesRouter(deps));
  router.use(createCheckinHandlingRouter(deps));
  router.use(createMoveRouter(deps));

  router.post('/staff/appointments/:id/vehicle', mayPlan, async (req, res, next) => {
    const id = rowId(req.params.id);
    if (!id || !(await findAppointment(db, req.staff!.company_id, id))) return next();
    const added = await addWalkInVehicleToMaster(db, req.staff!.company_id, id);
    res.redirect(303, `/staff/appointments/${id}?done=${added ? 'vehicleAdded' : 'nothing'}`);
  });

  router.post('/staff/appointments/:id/master', mayPlan, async (req, res, next) => {
    const id = rowId(req.params.id);
    if (!id || !(await findAppointment(db, req.staff!.company_id, id))) return next();
    const copied = await copyContactToMaster(db, req.staff!.company_id, id);
    res.redirect(303, `/staff/appointments/${id}?done=${copied ? 'masterUpdated' : 'nothing'}`);
  });

  // M9: a confirmation by e-mail or SMS, from the appointment page or the overview (back=overview).
  router.post('/staff/appointments/:id/confirmation', mayPlan, async (req, res, next) => {
    const id = rowId(req.params.id);
    const appointment = id ? await findAppointment(db, req.staff!.company_id, id) : undefined;
    if (!appointment || appointment.status !== 'planned') return next();
    const channels = await confirmationChannels(deps, appointment);
    const channel = channels.find((c) => c === req.body.channel);
    if (!channel) throw new UserError('channel', 422);
    await sendAppointmentConfirmation(deps, appointment, channel);
    const done = channel === 'sms' ? 'confirmationSms' : 'confirmationEmail';
    res.redirect(303, req.body.back === 'overview' ? `/staff/appointments?done=${done}` : `/staff/appointments/${appointment.id}?done=${done}`);
  });

  // M3: deleting the appointment of a lead sets the lead Cancelled (through its workflow).
  router.post('/staff/appointments/:id/delete', mayPlan, async (req, res, next) => {
    const id = rowId(req.params.id);
    const cancelled = id ? await cancelAppointment(db, req.staff!.company_id, id) : undefined;
    if (!id || !cancelled) return next();
    await appointmentCancelled(deps, id);
    if (cancelled.leadId) await leads.appointmentDeleted(cancelled.leadId, req.staff!.id);
    res.redirect(303, `/staff/appointments?deleted=${id}`);
  });

  return router;
}
