import type { VehicleLookup } from '../../db/vehicles';
import { normalizePhone } from '../../lib/phones';
import { normalizePlate } from '../../lib/plates';
import { normalizeVin } from '../../lib/vin';
import type { JobFormValues } from './form';

/**
 * P9: the car icon beside a job's plate and VIN. What the vehicle master
 * (and the vehicle's customer) would put in the job form: the fields left
 * blank are filled, the fields typed otherwise are only shown, and replaced
 * only when staff say so (Overwrite what I typed).
 */
export const lookupFields = ['plate', 'vin', 'make', 'model', 'first_name', 'last_name', 'email', 'phone'] as const;
export type LookupField = (typeof lookupFields)[number];

/** What a click on the car icon looks up by: the field beside it. */
export type LookupKey = 'plate' | 'vin';

export interface LookupPanel {
  key: LookupKey;
  found: VehicleLookup | undefined;
  /** blank in the form, known to the master */
  fill: { field: LookupField; master: string }[];
  /** typed, and the master says otherwise */
  differs: { field: LookupField; typed: string; master: string }[];
}

function masterValues(found: VehicleLookup): Record<LookupField, string> {
  const c = found.customer;
  return {
    plate: found.vehicle.plate ?? '',
    vin: found.vehicle.vin ?? '',
    make: found.vehicle.make ?? '',
    model: found.vehicle.model ?? '',
    first_name: c?.first_name ?? '',
    last_name: c?.last_name ?? '',
    email: c?.email ?? '',
    phone: c?.phone ?? '',
  };
}

/** Two spellings of one value: plates and VINs without spaces or dashes, e-mail without case, phones as numbers. */
function same(field: LookupField, typed: string, master: string): boolean {
  const fold = (text: string) => text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
  if (field === 'plate') return normalizePlate(typed) === normalizePlate(master);
  if (field === 'vin') return normalizeVin(typed) === normalizeVin(master);
  if (field === 'phone') {
    const [a, b] = [normalizePhone(typed), normalizePhone(master)];
    if (a && b) return a === b;
  }
  return fold(typed) === fold(master);
}

export function lookupPanel(values: JobFormValues, key: LookupKey, found: VehicleLookup | undefined): LookupPanel {
  if (!found) return { key, found, fill: [], differs: [] };
  const master = masterValues(found);
  const fill: LookupPanel['fill'] = [];
  const differs: LookupPanel['differs'] = [];
  for (const field of lookupFields) {
    const typed = values[field].trim();
    if (master[field].trim() === '') continue;
    if (typed === '') fill.push({ field, master: master[field] });
    else if (!same(field, typed, master[field])) differs.push({ field, typed: values[field], master: master[field] });
  }
  return { key, found, fill, differs };
}

/** Fill in (blanks only) or Overwrite (also what was typed otherwise): the form's values after it. */
export function applyLookup(values: JobFormValues, panel: LookupPanel, how: 'fill' | 'overwrite'): JobFormValues {
  const next = { ...values };
  for (const { field, master } of panel.fill) next[field] = master;
  if (how === 'overwrite') for (const { field, master } of panel.differs) next[field] = master;
  return next;
}
