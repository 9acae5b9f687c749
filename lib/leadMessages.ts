import type { TFunction } from 'i18next';
import type { LeadSummary } from '../db/leads';
import type { Location } from '../db/locations';
import { templateValues, type TemplateValues } from './templates';

/** The tag values of a lead's messages (acknowledgement, rejection), in the lead's language (lib/templates.ts templateValues). */
export function leadMessageValues(lead: LeadSummary, location: Pick<Location, 'name' | 'phone'>, t: TFunction, links: { cancelLink?: string } = {}): TemplateValues {
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
