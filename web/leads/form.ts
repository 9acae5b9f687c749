import { z } from 'zod';
import { leadStatuses, type LeadDetails, type LeadFilter } from '../../db/leadManager';
import { isCalendarDate, plateField, vinField } from '../../lib/validation';
import { fieldErrors, type FieldErrors, parseForm } from '../errors';

/** A query parameter sent twice arrives as an array: the first one counts. */
const single = (value: unknown) => (Array.isArray(value) ? value[0] : value);

const filterSchema = z.object({
  // Without a choice the lead manager shows what is waiting: New.
  status: z.preprocess(single, z.enum([...leadStatuses, 'all']).default('new')).catch('new'),
  location: z.preprocess(single, z.string().regex(/^\d{1,9}$/).transform(Number).optional()).catch(undefined),
  from: z.preprocess(single, z.string().refine(isCalendarDate).optional()).catch(undefined),
  to: z.preprocess(single, z.string().refine(isCalendarDate).optional()).catch(undefined),
  q: z.preprocess(single, z.string().trim().max(100).default('')).catch(''),
});

/** The lead manager's filters from the query string; anything malformed falls back to its default. */
export function parseLeadFilter(query: Record<string, unknown>): LeadFilter {
  const { status, location, from, to, q } = filterSchema.parse(query);
  return { status, locationId: location, from, to, search: q };
}

/** The lead form's fields, as the browser posts them. */
const leadFormFields = [
  'first_name',
  'last_name',
  'email',
  'phone',
  'street',
  'postal_code',
  'city',
  'customer_number',
  'plate',
  'vin',
  'make',
  'model',
  'mileage',
  'remarks',
] as const;
export type LeadFormValues = Record<(typeof leadFormFields)[number], string>;

// Messages are full translation keys: errors.* shared with the other forms, leads.errors.* this form's own.
// The rules are those of the customer's request form, so staff cannot save what a customer could not send.
const text = (max: number) => z.string().trim().max(max, 'errors.tooLong');
const leadSchema = z.object({
  first_name: text(100).min(1, 'errors.required'),
  last_name: text(100).min(1, 'errors.required'),
  email: text(200).min(1, 'errors.required').pipe(z.email('errors.email')),
  phone: text(40).min(1, 'errors.required').regex(/^[+0-9 ()./-]*$/, 'errors.phone'),
  street: text(200),
  postal_code: text(20),
  city: text(100),
  customer_number: text(30).transform((number) => number || null),
  plate: plateField({ tooLong: 'errors.tooLong', required: 'errors.required', plate: 'errors.plate' }),
  vin: vinField('leads.errors.vin'),
  make: text(60).min(1, 'errors.required'),
  model: text(60),
  mileage: z
    .string()
    .trim()
    .default('') // optional: a form without the field is one left empty
    .transform((value) => value.replace(/[\s.,']/g, ''))
    .refine((value) => value === '' || /^\d{1,7}$/.test(value), 'leads.errors.mileage')
    .transform((value) => (value === '' ? null : Number(value))),
  remarks: text(2000),
});

/** The form's values as posted (missing fields empty), so a failed save shows exactly what was typed. */
export function leadFormValues(body: Record<string, unknown>): LeadFormValues {
  return Object.fromEntries(leadFormFields.map((field) => [field, typeof body[field] === 'string' ? body[field] : ''])) as LeadFormValues;
}

/** The form's values from a saved lead. */
export function leadFormValuesOf(lead: { [K in keyof LeadDetails]: LeadDetails[K] }): LeadFormValues {
  return Object.fromEntries(leadFormFields.map((field) => [field, lead[field] === null ? '' : String(lead[field])])) as LeadFormValues;
}

export function parseLeadForm(values: LeadFormValues): { ok: true; details: LeadDetails } | { ok: false; errors: FieldErrors } {
  const parsed = parseForm(leadSchema, values, 'errors.');
  return parsed.success ? { ok: true, details: parsed.data } : { ok: false, errors: fieldErrors(parsed.error.issues) };
}
