import { IANAZone } from 'luxon';
import { z } from 'zod';
import { checkbox, checkboxes } from '../../lib/validation';
import type { LocationSettings } from '../../db/locations';
import type { OpeningInterval } from '../../lib/slots';
import { fieldErrors, type FieldErrors, parseForm } from '../errors';

const time = /^([01]\d|2[0-3]):[0-5]\d$/;

const settingsSchema = z.object({
  name: z.string().trim().min(1, 'required').max(100, 'tooLong'),
  address: z.string().trim().max(300, 'tooLong').default(''),
  phone: z.string().trim().max(40, 'tooLong').default(''),
  email: z.union([z.literal(''), z.email('email')]).default(''),
  time_zone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'timeZone'),
  portal_enabled: checkbox,
  show_book_estimate: checkbox,
  show_book_repair: checkbox,
  show_follow_repair: checkbox,
  show_add_photos: checkbox,
  slot_minutes: z.coerce.number({ error: 'number' }).int('number').min(5, 'slotMinutes').max(480, 'slotMinutes'),
  slot_capacity: z.coerce.number({ error: 'number' }).int('number').min(1, 'slotCapacity').max(100, 'slotCapacity'),
  booking_horizon_days: z.coerce.number({ error: 'number' }).int('number').min(1, 'horizon').max(120, 'horizon'),
  booking_lead_minutes: z.coerce.number({ error: 'number' }).int('number').min(0, 'number').max(10_080, 'number'),
  work_started_source: z.enum(['ready_for_start', 'first_activity'], { error: 'required' }),
  // ISO weekdays, in order, each once.
  repair_weekdays: checkboxes
    .refine((days) => days.every((day) => /^[1-7]$/.test(day)), 'required')
    .transform((days) => [...new Set(days.map(Number))].sort((a, b) => a - b)),
  repair_dropoff_time: z.string({ error: 'time' }).trim().regex(time, 'time'),
  // B1: until how long before an appointment its customer may move or cancel it through their link.
  self_service_cutoff_hours: z.coerce.number({ error: 'number' }).int('number').min(0, 'cutoffHours').max(720, 'cutoffHours'),
  service_daily_capacity: z.coerce.number({ error: 'number' }).int('number').min(1, 'serviceCapacity').max(500, 'serviceCapacity'),
});

/**
 * Form fields hours_<weekday>_<row>_opens / _closes (flat names: nested
 * numeric keys would be compacted into arrays by the body parser); blank
 * rows are ignored.
 */
function parseHours(body: Record<string, unknown>): { hours: OpeningInterval[]; errors: FieldErrors } {
  const hours: OpeningInterval[] = [];
  const errors: FieldErrors = {};
  const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (let row = 0; row < 4; row++) {
      const opensAt = field(`hours_${weekday}_${row}_opens`);
      const closesAt = field(`hours_${weekday}_${row}_closes`);
      if (!opensAt && !closesAt) continue;
      hours.push({ weekday, opensAt, closesAt });
      if (!time.test(opensAt) || !time.test(closesAt)) errors[`hours${weekday}`] = 'time';
      else if (opensAt >= closesAt) errors[`hours${weekday}`] = 'timeOrder';
    }
    const day = hours.filter((h) => h.weekday === weekday && time.test(h.opensAt) && time.test(h.closesAt));
    const sorted = [...day].sort((a, b) => a.opensAt.localeCompare(b.opensAt));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.opensAt < sorted[i - 1]!.closesAt) errors[`hours${weekday}`] = 'timeOverlap';
    }
  }
  return { hours, errors };
}

export type SettingsResult =
  | { ok: true; settings: LocationSettings; hours: OpeningInterval[] }
  | { ok: false; errors: FieldErrors; hours: OpeningInterval[] };

export function parseLocationSettings(body: Record<string, unknown>): SettingsResult {
  const parsed = parseForm(settingsSchema, body);
  const { hours, errors } = parseHours(body);
  if (!parsed.success) Object.assign(errors, fieldErrors(parsed.error.issues));
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors, hours };
  return { ok: true, settings: parsed.data, hours };
}
