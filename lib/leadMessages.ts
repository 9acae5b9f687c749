import type { TFunction } from 'i18next';
import type { LeadSummary } from '../db/leads';
import type { Location } from '../db/locations';
import { formatCalendarDate } from './time';

/** The tag values of a lead's messages (acknowledgement, rejection), in the lead's language. */
export function leadMessageValues(lead: LeadSummary, location: Pick<Location, 'name' | 'phone'>, t: TFunction) {
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
