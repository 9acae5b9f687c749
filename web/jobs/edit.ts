import { type Request, type Response } from 'express';
import { listDamageFlowTypes } from '../../db/damageFlowTypes';
import { findJobForEdit, type JobEditRow } from '../../db/jobs';
import { listLocations } from '../../db/locations';
import type { LifecycleDeps } from '../../clients/jobLifecycle';
import type { FieldErrors } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import { lookupVehicle } from '../../db/vehicles';
import { jobFormFields, jobFormValues, localInput, parseJobForm, type JobFormValues } from './form';
import { applyLookup, lookupPanel, type LookupKey, type LookupPanel } from './lookup';
import { createJob, editJob } from './service';
import { featureRouter } from '../router';

/** Who may create and edit jobs; mechanics see jobs and record lifecycle steps only. */
export const jobEditors = requireRole('admin', 'service_advisor', 'receptionist');

const blankValues = () => Object.fromEntries(jobFormFields.map((field) => [field, ''])) as JobFormValues;

function valuesOf(job: JobEditRow): JobFormValues {
  return {
    ...blankValues(),
    first_name: job.first_name,
    last_name: job.last_name,
    email: job.email,
    phone: job.phone,
    language: job.language,
    plate: job.plate,
    vin: job.vin,
    make: job.make,
    model: job.model,
    damage_flow_type_id: job.damage_flow_type_id === null ? '' : String(job.damage_flow_type_id),
    notes: job.notes,
    appointment_at: localInput(job.appointment_at, job.time_zone),
    planned_end_at: localInput(job.planned_end_at, job.time_zone),
  };
}

/** D4 back office: staff create a job at the desk and edit its customer, vehicle, flow and planned dates. */
export function createJobEditRouter(deps: LifecycleDeps) {
  const { db } = deps;
  const router = featureRouter();
  router.use('/staff', requireStaff);

  async function formPage(
    req: Request,
    res: Response,
    job: JobEditRow | undefined,
    values: JobFormValues,
    errors: FieldErrors = {},
    lookup: { panel?: LookupPanel; filled?: boolean } = {},
  ) {
    const companyId = req.staff!.company_id;
    const [locations, flowTypes] = await Promise.all([job ? [] : listLocations(db, companyId), listDamageFlowTypes(db, companyId)]);
    render(req, res, 'jobs/views/jobForm', { job, locations, flowTypes, values, errors, lookup: lookup.panel, filled: lookup.filled ?? false });
  }

  /**
   * P9: the car icon (or Fill in / Overwrite on its panel) posts the whole form
   * here: the same form comes back with what was typed, and the master's
   * vehicle and customer beside it; nothing is saved.
   */
  async function lookupPage(req: Request, res: Response, job: JobEditRow | undefined) {
    const values = jobFormValues(req.body);
    const pressed = [req.body?.lookup, req.body?.lookup_key].find((key) => key === 'plate' || key === 'vin');
    const key: LookupKey = pressed ?? 'plate';
    const found = await lookupVehicle(db, req.staff!.company_id, key === 'plate' ? { plate: values.plate } : { vin: values.vin });
    const panel = lookupPanel(values, key, found);
    const how = req.body?.apply;
    // Applied only to the vehicle the panel showed (the plate may have been changed since).
    if ((how === 'fill' || how === 'overwrite') && found && String(found.vehicle.id) === req.body?.lookup_vehicle) {
      return formPage(req, res, job, applyLookup(values, panel, how), {}, { filled: true });
    }
    await formPage(req, res, job, values, {}, { panel });
  }

  router.post('/staff/jobs/lookup', jobEditors, (req, res) => lookupPage(req, res, undefined));

  router.post('/staff/jobs/:number/lookup', jobEditors, async (req, res, next) => {
    const job = await findJobForEdit(db, req.staff!.company_id, String(req.params.number));
    if (!job) return next();
    await lookupPage(req, res, job);
  });

  router.get('/staff/jobs/new', jobEditors, async (req, res) => {
    const locations = await listLocations(db, req.staff!.company_id);
    const values = { ...blankValues(), language: req.language, location_id: locations.length === 1 ? String(locations[0]!.id) : '' };
    await formPage(req, res, undefined, values);
  });

  router.post('/staff/jobs', jobEditors, async (req, res) => {
    const companyId = req.staff!.company_id;
    const [locations, flowTypes] = await Promise.all([listLocations(db, companyId), listDamageFlowTypes(db, companyId)]);
    const result = parseJobForm(req.body, { locationIds: locations.map((l) => l.id), flowTypeIds: flowTypes.map((f) => f.id) });
    if (!result.ok) {
      res.status(422);
      return formPage(req, res, undefined, result.values, result.errors);
    }
    const location = locations.find((l) => l.id === result.job.location_id)!;
    const job = await createJob(deps, companyId, result.job, location.time_zone);
    res.redirect(303, `/staff/jobs/${job.job_number}`);
  });

  router.get('/staff/jobs/:number/edit', jobEditors, async (req, res, next) => {
    const job = await findJobForEdit(db, req.staff!.company_id, String(req.params.number));
    if (!job) return next();
    await formPage(req, res, job, valuesOf(job));
  });

  router.post('/staff/jobs/:number/edit', jobEditors, async (req, res, next) => {
    const job = await findJobForEdit(db, req.staff!.company_id, String(req.params.number));
    if (!job) return next();
    const flowTypes = await listDamageFlowTypes(db, job.company_id);
    const current = valuesOf(job);
    const result = parseJobForm(req.body, { flowTypeIds: flowTypes.map((f) => f.id), current });
    if (!result.ok) {
      res.status(422);
      return formPage(req, res, job, result.values, result.errors);
    }
    const saved = await editJob(deps, job, result.job);
    if (!saved.ok) {
      res.status(409);
      return formPage(req, res, job, result.values, { form: `jobs.refused.${saved.refusal}` });
    }
    res.redirect(303, `/staff/jobs/${job.job_number}`);
  });

  return router;
}
