import { z } from 'zod';
import type { OfferedService, RemarkFileInput, RemarkInput, ServiceAnswerInput } from '../../db/checkin';
import { toE164 } from '../../lib/messaging/phone';

/** What a customer has answered on the check-in page so far, before sending it (C2-C4). */
export interface CheckinDraft {
  welcomeDone: boolean;
  servicesDone: boolean;
  services: ServiceAnswerInput[];
  remarks: RemarkInput[];
  /** files already stored for the remark being written, before it is added */
  pendingFiles: RemarkFileInput[];
}

declare module 'express-session' {
  interface SessionData {
    /** check-in drafts, by appointment id (one browser may hold the links of two appointments) */
    checkin?: Record<string, CheckinDraft>;
  }
}

export const steps = ['welcome', 'details', 'work', 'services', 'remarks', 'review'] as const;
export type Step = (typeof steps)[number];

/**
 * Remarks one check-in takes: enough for what a customer notices before a
 * service, and a bound on what one link can put on the disk (each remark
 * takes UPLOAD_MAX_FILES files).
 */
export const maxRemarks = 10;

export const newDraft = (): CheckinDraft => ({ welcomeDone: false, servicesDone: false, services: [], remarks: [], pendingFiles: [] });

/** The first step the customer still has to pass before `step`, if any. */
export function missingStepBefore(draft: CheckinDraft, step: Step): Step | undefined {
  if (step !== 'welcome' && !draft.welcomeDone) return 'welcome';
  if (step === 'review' && !draft.servicesDone) return 'services';
  return undefined;
}

// Messages are codes under checkin.errors.*
const text = (max: number) => z.string().trim().max(max, 'tooLong');

function isPhoneNumber(typed: string, defaultCountryCode: string): boolean {
  try {
    toE164(typed, defaultCountryCode);
    return true;
  } catch {
    return false;
  }
}

/**
 * C4 welcome step: e-mail and phone as corrected by the customer, and the
 * channel when one is offered (SMS only where the company has it). The
 * chosen channel needs its address.
 */
export function welcomeSchema({ smsOffered, defaultCountryCode }: { smsOffered: boolean; defaultCountryCode: string }) {
  return z
    .object({
      email: text(200).default('').refine((email) => email === '' || z.email().safeParse(email).success, 'email'),
      phone: text(40)
        .default('')
        .refine((phone) => phone === '' || isPhoneNumber(phone, defaultCountryCode), 'phone'),
      channel: z.enum(['email', 'sms'], { error: 'channel' }).optional(),
    })
    .superRefine((form, ctx) => {
      if (form.channel === 'sms' && !smsOffered) ctx.addIssue({ code: 'custom', path: ['channel'], message: 'channel' });
      if (form.channel === 'sms' && form.phone === '') ctx.addIssue({ code: 'custom', path: ['phone'], message: 'phoneForSms' });
      if (form.channel !== 'sms' && form.email === '') ctx.addIssue({ code: 'custom', path: ['email'], message: 'emailForChannel' });
    });
}

/** C2: one radio group per offered service, `service_<id>`: accepted, contact_me, or none. */
export function parseServiceAnswers(body: Record<string, unknown>, offered: OfferedService[]): ServiceAnswerInput[] {
  return offered.flatMap((service) => {
    const answer = body[`service_${service.id}`];
    if (answer !== 'accepted' && answer !== 'contact_me') return [];
    return [{ serviceId: service.id, answer, name: service.name, priceCents: service.price_cents, currency: service.currency }];
  });
}

/** C3: a remark; its files are checked apart (storeCheckinFile). */
export const remarkSchema = z.object({
  subject: text(120).min(1, 'required'),
  description: text(2000).default(''),
});
