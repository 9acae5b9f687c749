import { DateTime } from 'luxon';
import { z } from 'zod';
import { findAppointment, rescheduleAppointment } from '../../db/appointments';
import { appointmentRescheduled, type CheckinWorkflowDeps } from '../../clients/checkinWorkflow';
import { isLocalDateTime } from '../../lib/validation';
import { fieldErrors, parseForm } from '../errors';
import { requireRole } from '../middleware/auth';
import type { ConfirmationDeps } from './confirmation';
import { mayPlanRoles, renderAppointmentPage } from './page';
import { featureRouter, rowId } from '../router';

const moveSchema = z.object({
  starts: z.string().refine(isLocalDateTime, 'appointments.move.errors.starts'),
  duration: z.coerce
    .number({ error: 'appointments.move.errors.duration' })
    .int('appointments.move.errors.duration')
    .min(15, 'appointments.move.errors.duration')
    .max(24 * 60, 'appointments.move.errors.duration'),
});

/** Moving an appointment: new start and duration; its check-in messages move with it (D2). */
export function createMoveRouter(deps: ConfirmationDeps & CheckinWorkflowDeps) {
  const { db } = deps;
  const router = featureRouter();

  router.post('/staff/appointments/:id/move', requireRole(...mayPlanRoles), async (req, res, next) => {
    const id = rowId(req.params.id);
    const appointment = id ? await findAppointment(db, req.staff!.company_id, id) : undefined;
    if (!appointment || appointment.status !== 'planned') return next();
    const parsed = parseForm(moveSchema, req.body, 'errors.');
    const errors = parsed.success ? {} : fieldErrors(parsed.error.issues);
    // The time typed is the location's local time.
    const start = parsed.success ? DateTime.fromISO(parsed.data.starts, { zone: appointment.time_zone }) : undefined;
    if (start && !start.isValid) errors.starts = 'appointments.move.errors.starts';
    if (!parsed.success || !start?.isValid) {
      res.status(422);
      return renderAppointmentPage(deps, req, res, appointment, { move: { values: req.body as Record<string, string>, errors } });
    }
    const moved = await rescheduleAppointment(db, appointment.company_id, appointment.id, start.toJSDate(), start.plus({ minutes: parsed.data.duration }).toJSDate());
    if (!moved) return next();
    await appointmentRescheduled(deps, appointment.id);
    res.redirect(303, `/staff/appointments/${appointment.id}?done=moved`);
  });

  return router;
}
