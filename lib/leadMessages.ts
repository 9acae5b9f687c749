import type { TFunction } from 'i18next';
import { templateValues, type TemplateValues } from './templates';

/** What a lead's messages tell about it (db/leads.ts LeadSummary has it; lib/ does not import db/). */
export interface LeadFacts {
  language: string;
  first_name: string;
  last_name: string;
  plate: string;
  desired_date: string;
  time_window: string;
  services: readonly string[];
}

/** The tag values of a lead's messages (acknowledgement, rejection), in the lead's language (lib/templates.ts templateValues). */
export function leadMessageValues(lead: LeadFacts, location: { name: string; phone: string }, t: TFunction, links: { cancelLink?: string } = {}): TemplateValues {
  return templateValues({
    language: lead.language,
    customer: { firstName: lead.first_name, lastName: lead.last_name },
    location: { name: location.name, phone: location.phone },
    plate: lead.plate,
    desiredDate: lead.desired_date,
    timeWindow: t(`serviceBooking.window.${lead.time_window}`),
    services: lead.services,
    ...links,
  });
}
