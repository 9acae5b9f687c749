import type { TFunction } from 'i18next';
import { formatCalendarDate } from './time';

/** What a lead's messages say of it (a db/leads.ts LeadSummary has it). */
export interface LeadMessageSubject {
  first_name: string;
  last_name: string;
  desired_date: string;
  language: string;
  time_window: string;
  plate: string;
  services: string[];
}

/** The tag values of a lead's messages (acknowledgement, rejection), in the lead's language. */
export function leadMessageValues(lead: LeadMessageSubject, location: { name: string; phone: string }, t: TFunction) {
  return {
    CustomerName: `${lead.first_name} ${lead.last_name}`.trim(),
    Date: formatCalendarDate(lead.desired_date, lead.language),
    TimeWindow: t(`serviceBooking.window.${lead.time_window}`),
    Location: location.name,
    LocationPhone: location.phone,
    Plate: lead.plate,
    Services: lead.services.join(', '),
  };
}
