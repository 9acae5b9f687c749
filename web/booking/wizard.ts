import { z } from 'zod';
import { normalizePlate } from '../../lib/plates';

/** P2 estimate wizard state, kept in the (PostgreSQL) session between steps. */
export interface EstimateWizard {
  /** portal the customer started from */
  portal: string;
  contact?: Contact;
  vehicle?: Vehicle;
  photoIds: string[];
  locationId?: number;
  /** ISO instant of the chosen slot */
  slotStart?: string;
  /** the slot the customer last lost to someone else, to explain why they are back */
  slotTaken?: boolean;
  /** where the last confirmation link went, for the "check your e-mail" page */
  sentTo?: string;
}

const text = (max: number) => z.string().trim().max(max, 'tooLong');

// Messages are translation keys under errors.*
export const contactSchema = z.object({
  firstName: text(100).min(1, 'required'),
  lastName: text(100).min(1, 'required'),
  email: text(200).min(1, 'required').pipe(z.email('email')),
  phone: text(40).regex(/^[+0-9 ()./-]*$/, 'phone').default(''),
  consent: z.literal('yes', { error: 'consent' }),
});
export type Contact = Omit<z.infer<typeof contactSchema>, 'consent'> & { consentAt: string };

export const vehicleSchema = z.object({
  plate: text(20)
    .min(1, 'required')
    .refine((plate) => normalizePlate(plate).length >= 2, 'plate'),
  make: text(60).min(1, 'required'),
  model: text(60).default(''),
});
export type Vehicle = z.infer<typeof vehicleSchema>;

export const slotSchema = z.object({ slot: z.iso.datetime({ error: 'slot' }) });
export const locationSchema = z.object({ location: z.coerce.number().int().positive('location') });

/** The first step the wizard still needs, in order; undefined once ready for review. */
export function missingStep(wizard: EstimateWizard, multipleLocations: boolean) {
  if (!wizard.contact) return 'contact';
  if (!wizard.vehicle) return 'vehicle';
  if (multipleLocations && !wizard.locationId) return 'location';
  if (!wizard.slotStart) return 'slot';
  return undefined;
}
