import { companyTimeZone } from '../../db/locations';
import type { Knex } from 'knex';
import { customerLog, findLogCustomer } from '../../db/customerLog';
import { formatLocalDateTimeShort } from '../../lib/time';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import { featureRouter } from '../router';

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? value.map(asText).join(', ') : JSON.stringify(value);

/** A customer event's details as label/value pairs, whatever the event wrote; empty lists left out. */
const detailRows = (details: Record<string, unknown>) =>
  Object.entries(details ?? {})
    .filter(([, value]) => !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => ({ key, value: asText(value) }));

/** The customer's communication log: every message sent and every change they made, newest first. */
export function createCustomersRouter({ db }: { db: Knex }) {
  const router = featureRouter();

  router.get('/staff/customers/:id/log', requireStaff, requireRole('admin', 'service_advisor', 'receptionist'), async (req, res, next) => {
    const id = Number(req.params.id);
    const customer = Number.isSafeInteger(id) && id > 0 ? await findLogCustomer(db, req.staff!.company_id, id) : undefined;
    if (!customer) return next();
    // Times as the company's (first) location counts them, as on the appointment overview.
    const zone = await companyTimeZone(db, req.staff!.company_id);
    const entries = (await customerLog(db, customer.id)).map((entry) => ({
      ...entry,
      when: formatLocalDateTimeShort(entry.at, zone, req.language),
      detailRows: entry.type === 'event' ? detailRows(entry.details) : [],
    }));
    render(req, res, 'customers/views/log', { customer, entries });
  });

  return router;
}
