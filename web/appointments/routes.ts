import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  addWalkInVehicleToMaster,
  copyContactToMaster,
  findAppointment,
  listAppointments,
  listPinnedAppointments,
  type AppointmentRow,
} from '../../db/appointments';
import { companyTimeZone } from '../../db/locations';
import { formatLocalDateTimeShort } from '../../lib/time';
import { isCalendarDate } from '../../lib/validation';
import { UserError } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import type { LeadEvents } from '../leads/service';
import { createCheckinHandlingRouter } from './checkin';
import { confirmationChannels, confirmationChannelsOf, sendAppointmentConfirmation, type ConfirmationDeps } from './confirmation';
import { createMoveRouter } from './move';
import { createNewAppointmentRouter } from './new';
import { mayPlanRoles, renderAppointmentPage, view } from './page';
import { createWorkLinesRouter } from './workLines';
import { featureRouter, rowId } from '../router';
import { cancelVisit } from './service';

/**
 * The appointment page and overview (M9) with the customer's check-in
 * (C5-C8), work lines and moving. (M2 "Create appointment" for a lead is
 * web/leads/appointment.ts.)
 */
export function createAppointmentsRouter(deps: ConfirmationDeps & { leads: LeadEvents; uploadDir: string }) {
  const { db } = deps;
  const router = featureRouter();
  router.use('/staff', requireStaff);
  const mayPlan = requireRole(...mayPlanRoles);

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

  router.use(createNewAppointmentRouter(deps));

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
    const appointment = id ? await findAppointment(db, req.staff!.company_id, id) : undefined;
    const cancelled = appointment ? await cancelVisit(deps, appointment, req.staff!.id) : undefined;
    if (!appointment || !cancelled || (!cancelled.ok && cancelled.reason === 'gone')) return next();
    if (!cancelled.ok) {
      res.status(409);
      return renderAppointmentPage(deps, req, res, appointment, { refused: `jobs.refused.${cancelled.refusal}` });
    }
    res.redirect(303, `/staff/appointments?deleted=${appointment.id}`);
  });

  return router;
}
