import { DateTime } from 'luxon';
import { z } from 'zod';
import { normalizePlate } from './plates';

/**
 * Form fields several forms share, so the rule lives in one place. Messages
 * are translation keys, given by each form (it knows its own key prefix).
 */

/** A registration plate as typed; at least two letters or digits once spaces and dashes are gone. */
export function plateField(messages: { tooLong: string; required: string; plate: string }) {
  return z
    .string()
    .trim()
    .max(20, messages.tooLong)
    .min(1, messages.required)
    .refine((plate) => normalizePlate(plate).length >= 2, messages.plate);
}

/** A VIN written with spaces or dashes, kept as its 17 characters (I, O and Q never occur); empty is allowed. */
export function vinField(message: string) {
  return z
    .string()
    .default('') // optional: a form without the field is one left empty
    .transform((vin) => vin.replace(/[\s-]/g, '').toUpperCase())
    .refine((vin) => vin === '' || /^[A-HJ-NPR-Z0-9]{17}$/.test(vin), message);
}

/** A checkbox: ticked when the browser sent it at all ('on', or 'true'/'yes' from a hidden field). */
export const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === 'yes', z.boolean());

/** Checkboxes sharing one name: absent when none is ticked, a string for one, an array for several. */
export const checkboxes = z.preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(z.string()));

/** A day as a date input sends it (2026-12-01), and one the calendar has (not 2026-02-30, which PostgreSQL refuses). */
export const isCalendarDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid;

/** A moment as a datetime-local input sends it (2026-11-24T09:30), and one the calendar has. */
export const isLocalDateTime = (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) && DateTime.fromISO(value).isValid;
