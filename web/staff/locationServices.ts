import { type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { checkbox } from '../../lib/validation';
import {
  createLocationService,
  deleteLocationService,
  findLocationService,
  listLocationServices,
  updateLocationService,
  type LocationService,
  type LocationServiceInput,
} from '../../db/checkin';
import { findLocation, type Location } from '../../db/locations';
import { formatPrice, formatPriceInput, parsePriceToCents } from '../../lib/money';
import { fieldErrors, type FieldErrors, parseForm } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import { featureRouter } from '../router';

type FormValues = Record<string, unknown>;


// Messages are full translation keys (fieldErrorKey).
const serviceSchema = z.object({
  name: z.string().trim().min(1, 'errors.required').max(100, 'errors.tooLong'),
  description: z.string().trim().max(1000, 'errors.tooLong').default(''),
  price: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const cents = parsePriceToCents(text);
      if (cents === undefined) {
        ctx.addIssue({ code: 'custom', message: 'checkin.catalogue.errors.price' });
        return z.NEVER;
      }
      return cents;
    }),
  link: z
    .string()
    .trim()
    .max(500, 'errors.tooLong')
    .default('')
    .refine((link) => link === '' || z.url({ protocol: /^https?$/ }).safeParse(link).success, 'checkin.catalogue.errors.link'),
  converts_to_intervention: checkbox,
  active: checkbox,
  position: z.coerce.number({ error: 'checkin.catalogue.errors.position' }).int('checkin.catalogue.errors.position').min(0, 'checkin.catalogue.errors.position').max(999, 'checkin.catalogue.errors.position'),
});

/** C2 catalogue form → the service's columns, or field errors (translation keys). */
export function parseLocationService(body: FormValues): { ok: true; service: LocationServiceInput } | { ok: false; errors: FieldErrors } {
  const parsed = parseForm(serviceSchema, body, 'errors.');
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error.issues) };
  const { price, ...rest } = parsed.data;
  return { ok: true, service: { ...rest, price_cents: price } };
}

/** A saved service as the form shows it, the price written the staff member's way. */
const formValues = (service: LocationService, language: string): FormValues => ({ ...service, price: formatPriceInput(service.price_cents, language) });

/** A new service: offered, converting to an intervention, after the last one. */
const newServiceValues = (services: LocationService[]): FormValues => ({
  active: true,
  converts_to_intervention: true,
  position: String(Math.min(999, Math.max(0, ...services.map((s) => s.position)) + (services.length > 0 ? 10 : 0))),
});

/**
 * C2: the optional services a location offers at online check-in (admin).
 * Linked from the location's settings page.
 */
export function createLocationServicesRouter({ db }: { db: Knex }) {
  const router = featureRouter();
  const base = '/staff/settings/locations/:id/services';
  router.use(base, requireStaff, requireRole('admin'));

  async function ownLocation(req: Request): Promise<Location | undefined> {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id)) return undefined;
    const location = await findLocation(db, id);
    return location?.company_id === req.staff!.company_id ? location : undefined;
  }

  async function listPage(req: Request, res: Response, location: Location, values: FormValues, errors: FieldErrors) {
    const services = await listLocationServices(db, location.id);
    const notice = ['added', 'saved', 'deleted'].find((key) => req.query[key] === '1');
    render(req, res, 'staff/views/locationServices', {
      location,
      services,
      values: Object.keys(values).length > 0 ? values : newServiceValues(services),
      errors,
      notice,
      price: (cents: number, currency: string) => formatPrice(cents, currency, req.language),
    });
  }

  router.get(base, async (req, res, next) => {
    const location = await ownLocation(req);
    if (!location) return next();
    await listPage(req, res, location, {}, {});
  });

  router.post(base, async (req, res, next) => {
    const location = await ownLocation(req);
    if (!location) return next();
    const result = parseLocationService(req.body);
    if (!result.ok) {
      res.status(422);
      return listPage(req, res, location, req.body, result.errors);
    }
    await createLocationService(db, location.id, result.service);
    res.redirect(303, `/staff/settings/locations/${location.id}/services?added=1`);
  });

  async function ownService(req: Request, location: Location | undefined): Promise<LocationService | undefined> {
    const id = Number(req.params.serviceId);
    return location && Number.isSafeInteger(id) ? findLocationService(db, location.id, id) : undefined;
  }

  router.get(`${base}/:serviceId`, async (req, res, next) => {
    const location = await ownLocation(req);
    const service = await ownService(req, location);
    if (!location || !service) return next();
    render(req, res, 'staff/views/locationServiceEdit', { location, service, values: formValues(service, req.language), errors: {} });
  });

  router.post(`${base}/:serviceId`, async (req, res, next) => {
    const location = await ownLocation(req);
    const service = await ownService(req, location);
    if (!location || !service) return next();
    const result = parseLocationService(req.body);
    if (!result.ok) {
      res.status(422);
      return render(req, res, 'staff/views/locationServiceEdit', { location, service, values: req.body, errors: result.errors });
    }
    await updateLocationService(db, location.id, service.id, result.service);
    res.redirect(303, `/staff/settings/locations/${location.id}/services?saved=1`);
  });

  router.post(`${base}/:serviceId/delete`, async (req, res, next) => {
    const location = await ownLocation(req);
    const service = await ownService(req, location);
    if (!location || !service) return next();
    await deleteLocationService(db, location.id, service.id);
    res.redirect(303, `/staff/settings/locations/${location.id}/services?deleted=1`);
  });

  return router;
}
