import type { Knex } from 'knex';
import { requireStaff } from '../middleware/auth';
import { render } from '../render';
import { featureRouter, rowId } from '../router';
import { customerPage, parseCustomerPageQuery } from './service';

/**
 * B2: the customer file `/staff/customers/:id`: contact data, vehicles and
 * the timeline of everything with the customer. Every staff role reads it
 * (what a mechanic sees: web/customers/service.ts). "Load more" asks the same
 * URL with a cursor; htmx gets the entries alone (`_entries`), a browser
 * without JavaScript the whole page from that cursor on.
 */
export function createCustomersRouter({ db }: { db: Knex }) {
  const router = featureRouter();
  router.use('/staff/customers', requireStaff);

  // The communication log (C5-C8) became the customer page.
  router.get('/staff/customers/:id/log', (req, res) => res.redirect(301, `/staff/customers/${rowId(req.params.id)}`));

  router.get('/staff/customers/:id', async (req, res, next) => {
    const query = parseCustomerPageQuery(req.query);
    const page = await customerPage(db, req.staff!, rowId(req.params.id)!, query, req.language);
    if (!page) return next();
    res.set('Cache-Control', 'no-store');
    render(req, res, 'customers/views/customer', page, 'customers/views/_entries');
  });

  return router;
}
