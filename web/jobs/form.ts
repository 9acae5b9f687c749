import { DateTime } from 'luxon';
import { z } from 'zod';
import type { StaffJobFields } from '../../db/jobs';
import { languages } from '../../lib/i18n';
import { isLocalDateTime, plateField, vinField } from '../../lib/validation';
import { fieldErrors, type FieldErrors, parseForm } from '../errors';

/** The job form's fields, as the browser posts them. */
export const jobFormFields = [
  'location_id',
  'first_name',
  'last_name',
  'email',
  'phone',
  'language',
  'plate',
  'vin',
  'make',
  'model',
  'damage_flow_type_id',
  'notes',
  'appointment_at',
  'planned_end_at',
] as const;
export type JobFormValues = Record<(typeof jobFormFields)[number], string>;

export const localInput = (date: Date | null, zone: string) =>
  date ? DateTime.fromJSDate(date, { zone }).toFormat("yyyy-LL-dd'T'HH:mm") : '';

export const localToInstant = (local: string, zone: string) => DateTime.fromISO(local, { zone }).toUTC().toISO()!;

// Messages are full translation keys: errors.* shared with the other forms, jobForm.errors.* this form's own.
const text = (max: number) => z.string().trim().max(max, 'errors.tooLong');
const plannedDate = z
  .string()
  .trim()
  .refine((value) => value === '' || isLocalDateTime(value), 'jobs.dateTime');

export interface JobFormChoices {
  /** the company's locations; only when the job is created (a job keeps its location) */
  locationIds?: number[];
  flowTypeIds: number[];
  /** the job's planned dates now (edit), as the form shows them */
  current?: { appointment_at: string; planned_end_at: string };
}

function jobSchema(choices: JobFormChoices) {
  const oneOf = (ids: number[]) => (value: string) => /^\d{1,9}$/.test(value) && ids.includes(Number(value));
  return z.object({
    location_id: choices.locationIds ? z.string().refine(oneOf(choices.locationIds), 'errors.location') : z.string(),
    first_name: text(100).min(1, 'errors.required'),
    last_name: text(100).min(1, 'errors.required'),
    email: text(200).refine((email) => email === '' || z.email().safeParse(email).success, 'errors.email'),
    phone: text(40).regex(/^[+0-9 ()./-]*$/, 'errors.phone'),
    language: z.enum(languages, { error: 'jobForm.errors.language' }),
    plate: plateField({ tooLong: 'errors.tooLong', required: 'errors.required', plate: 'errors.plate' }),
    vin: vinField('jobForm.errors.vin'),
    make: text(60),
    model: text(60),
    damage_flow_type_id: z.string().refine((value) => value === '' || oneOf(choices.flowTypeIds)(value), 'jobForm.errors.flowType'),
    notes: text(5000),
    appointment_at: plannedDate,
    planned_end_at: plannedDate,
  });
}

/** Rules across fields, checked even when single fields are wrong, so every message shows at once. */
function crossFieldErrors(values: JobFormValues, choices: JobFormChoices): FieldErrors {
  const errors: FieldErrors = {};
  const value = (field: keyof JobFormValues) => values[field].trim();
  if (!value('email') && !value('phone')) errors.email = 'jobForm.errors.contactNeeded';
  // The workflow can move a planned date, not take it back.
  for (const field of ['appointment_at', 'planned_end_at'] as const) {
    if (choices.current?.[field] && !value(field)) errors[field] = 'jobForm.errors.cannotClear';
  }
  // Same zone, same format: the strings sort like the instants.
  if (value('appointment_at') && value('planned_end_at') && value('planned_end_at') <= value('appointment_at')) {
    errors.planned_end_at = 'jobForm.errors.endBeforeAppointment';
  }
  return errors;
}

export interface JobForm {
  fields: StaffJobFields;
  /** null when editing */
  location_id: number | null;
  /** local date-times as typed, '' when not given */
  appointment_at: string;
  planned_end_at: string;
}

export type JobFormResult = { ok: true; job: JobForm; values: JobFormValues } | { ok: false; errors: FieldErrors; values: JobFormValues };

/** What was typed in the job form, each field as text ('' when absent or sent otherwise). */
export function jobFormValues(body: Record<string, unknown>): JobFormValues {
  return Object.fromEntries(jobFormFields.map((field) => [field, typeof body?.[field] === 'string' ? (body[field] as string) : ''])) as JobFormValues;
}

/** Reads the posted form; `values` is what was typed, to show again beside the errors. */
export function parseJobForm(body: Record<string, unknown>, choices: JobFormChoices): JobFormResult {
  const values = jobFormValues(body);
  const parsed = parseForm(jobSchema(choices), values, 'errors.');
  const errors = { ...crossFieldErrors(values, choices), ...(parsed.success ? {} : fieldErrors(parsed.error.issues)) };
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors, values };
  const f = parsed.data;
  return {
    ok: true,
    values,
    job: {
      location_id: choices.locationIds ? Number(f.location_id) : null,
      fields: {
        customer: { first_name: f.first_name, last_name: f.last_name, email: f.email, phone: f.phone, language: f.language },
        vehicle: { plate: f.plate, vin: f.vin, make: f.make, model: f.model },
        damage_flow_type_id: f.damage_flow_type_id === '' ? null : Number(f.damage_flow_type_id),
        notes: f.notes,
      },
      appointment_at: f.appointment_at,
      planned_end_at: f.planned_end_at,
    },
  };
}
