import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Location } from '../../../db/locations';
import { checkboxes, isCalendarDate, plateField, vinField } from '../../../lib/validation';

const text = (max: number) => z.string().trim().max(max, 'tooLong');

export const timeWindows = ['morning', 'afternoon', 'any'] as const;

/**
 * M1: the online service request, one form. The desired day must lie
 * between tomorrow and the location's booking horizon, in its time zone;
 * the services must come from its catalogue. Messages are keys under errors.*.
 */
export function serviceRequestSchema(location: Location, now = new Date()) {
  const today = DateTime.fromJSDate(now, { zone: location.time_zone }).startOf('day');
  const first = today.plus({ days: 1 }).toISODate()!;
  const last = today.plus({ days: location.booking_horizon_days }).toISODate()!;
  return z.object({
    desiredDate: z
      .string()
      .refine(isCalendarDate, 'date')
      .refine((date) => date >= first && date <= last, 'desiredDate'),
    timeWindow: z.enum(timeWindows, { error: 'timeWindow' }),
    services: checkboxes.refine((services) => services.every((s) => location.service_catalogue.includes(s)), 'services'),
    remarks: text(2000).default(''),
    plate: plateField({ tooLong: 'tooLong', required: 'required', plate: 'plate' }),
    vin: vinField('vin'),
    make: text(60).min(1, 'required'),
    model: text(60).default(''),
    mileage: z
      .string()
      .trim()
      .default('') // optional: a form without the field is one left empty
      .transform((value) => value.replace(/[\s.,']/g, ''))
      .refine((value) => value === '' || (/^\d{1,7}$/.test(value)), 'mileage')
      .transform((value) => (value === '' ? null : Number(value))),
    customerNumber: text(30).default(''),
    firstName: text(100).min(1, 'required'),
    lastName: text(100).min(1, 'required'),
    email: text(200).min(1, 'required').pipe(z.email('email')),
    phone: text(40).min(1, 'required').regex(/^[+0-9 ()./-]*$/, 'phone'),
    street: text(200).default(''),
    postalCode: text(20).default(''),
    city: text(100).default(''),
    consent: z.literal('yes', { error: 'consent' }),
  });
}

export type ServiceRequest = z.infer<ReturnType<typeof serviceRequestSchema>>;

/** The first and last day a customer may ask for (for the date input's min/max). */
export function desiredDateRange(location: Location, now = new Date()) {
  const today = DateTime.fromJSDate(now, { zone: location.time_zone }).startOf('day');
  return { min: today.plus({ days: 1 }).toISODate()!, max: today.plus({ days: location.booking_horizon_days }).toISODate()! };
}
