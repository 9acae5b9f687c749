import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { createStaffAppointment } from '../../db/appointments';
import { listLocations } from '../../db/locations';
import { startCheckinWorkflow, type CheckinWorkflowDeps } from '../../clients/checkinWorkflow';
import { isLocalDateTime, plateField, vinField } from '../../lib/validation';
import { fieldErrors, parseForm } from '../errors';
import { requireRole } from '../middleware/auth';
import { render } from '../render';
import { featureRouter } from '../router';
import type { ConfirmationDeps } from './confirmation';
import { durations, mayPlanRoles, view } from './page';

const text = (max: number) => z.string().trim().max(max, 'errors.tooLong').default('');

/** W2 / issue 11: a service appointment staff type in; only its time is required. */
const newSchema = z.object({
  location_id: z.coerce.number({ error: 'errors.required' }).int().positive('errors.required'),
  starts: z.string().refine(isLocalDateTime, 'appointments.new.errors.starts'),
  duration: z.coerce.number().refine((value) => (durations as readonly number[]).includes(value), 'appointments.move.errors.duration'),
  first_name: text(100),
  last_name: text(100),
  email: z.union([z.literal(''), z.string().trim().max(200, 'errors.tooLong').email('errors.email')]).default(''),
  phone: text(40),
  language: z.enum(['en', 'nl', 'fr', 'de']).default('en'),
  plate: z.union([z.literal(''), plateField({ tooLong: 'errors.tooLong', required: 'errors.required', plate: 'errors.plate' })]).default(''),
  vin: vinField('jobForm.errors.vin'),
  make: text(60),
  model: text(60),
  notes: text(2000),
});

/** Staff add an appointment by hand (/staff/appointments/new): it is a visit like any other, with its check-in (D2). */
export function createNewAppointmentRouter(deps: ConfirmationDeps & CheckinWorkflowDeps) {
  const { db } = deps;
  const router = featureRouter();
  const mayPlan = requireRole(...mayPlanRoles);

  async function form(req: Request, res: Response, values: Record<string, string>, errors: Record<string, string> = {}) {
    const locations = await listLocations(db, req.staff!.company_id);
    render(req, res, view('new'), {
      locations,
      durations,
      values: { location_id: String(locations[0]?.id ?? ''), starts: '', duration: '60', language: req.language, ...values },
      errors,
    });
  }

  router.get('/staff/appointments/new', mayPlan, async (req, res) => form(req, res, typeof req.query.date === 'string' ? { starts: `${req.query.date}T08:00` } : {}));

  router.post('/staff/appointments/new', mayPlan, async (req, res) => {
    const parsed = parseForm(newSchema, req.body, 'errors.');
    const errors = parsed.success ? {} : fieldErrors(parsed.error.issues);
    const location = parsed.success ? (await listLocations(db, req.staff!.company_id)).find((l) => l.id === parsed.data.location_id) : undefined;
    if (parsed.success && !location) errors.location_id = 'errors.required';
    const start = parsed.success && location ? DateTime.fromISO(parsed.data.starts, { zone: location.time_zone }) : undefined;
    if (start && !start.isValid) errors.starts = 'appointments.new.errors.starts';
    if (!parsed.success || !location || !start?.isValid || Object.keys(errors).length > 0) {
      res.status(422);
      return form(req, res, req.body as Record<string, string>, errors);
    }
    const d = parsed.data;
    const created = await createStaffAppointment(db, req.staff!.company_id, {
      locationId: location.id,
      startsAt: start.toJSDate(),
      endsAt: start.plus({ minutes: d.duration }).toJSDate(),
      notes: d.notes,
      staffId: req.staff!.id,
      customer: { first_name: d.first_name, last_name: d.last_name, email: d.email, phone: d.phone, language: d.language },
      vehicle: { plate: d.plate, vin: d.vin, make: d.make, model: d.model },
    });
    await startCheckinWorkflow(deps, created.id);
    res.redirect(303, `/staff/appointments/${created.id}?done=createdByHand`);
  });

  return router;
}
