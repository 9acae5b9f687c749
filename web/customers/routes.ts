import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { findCustomer } from '../../db/appointments';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import { featureRouter, rowId } from '../router';
import { customerPage, mergeCandidates, mergeDuplicate, mergePreview, parseCustomerPageQuery } from './service';

/** M7: who may merge duplicates into a customer. */
const mayMerge = ['admin', 'service_advisor'] as const;

const mergeQuery = z.object({ q: z.string().max(200).catch(''), with: z.string().optional() }).catch({ q: '' });

/**
 * B2: the customer file `/staff/customers/:id`: contact data, vehicles and
 * the timeline of everything with the customer. Every staff role reads it
 * (what a mechanic sees: web/customers/service.ts). "Load more" asks the same
 * URL with a cursor; htmx gets the entries alone (`_entries`), a browser
 * without JavaScript the whole page from that cursor on. M7: admin and
 * service advisors merge a duplicate into the customer (search, choose, confirm).
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
    const merged = typeof req.query.merged === 'string' && rowId(req.query.merged) ? req.query.merged : '';
    res.set('Cache-Control', 'no-store');
    render(req, res, 'customers/views/customer', { ...page, merged, mayMerge: (mayMerge as readonly string[]).includes(req.staff!.role) }, 'customers/views/_entries');
  });

  const mergeRoles = [requireRole(...mayMerge)];
  const customerOf = async (req: Request) => {
    const id = rowId(req.params.id);
    return id ? findCustomer(db, req.staff!.company_id, id) : undefined;
  };

  async function mergePage(req: Request, res: Response, customer: NonNullable<Awaited<ReturnType<typeof customerOf>>>, q: string, duplicateId: number | undefined, error = '') {
    const companyId = req.staff!.company_id;
    const preview = duplicateId ? await mergePreview(db, companyId, customer.id, duplicateId) : undefined;
    const candidates = preview ? [] : await mergeCandidates(db, companyId, customer, q);
    if (duplicateId && !preview && !error) error = 'notFound';
    render(req, res, 'customers/views/merge', { customer, q, candidates, preview, error });
  }

  router.get('/staff/customers/:id/merge', ...mergeRoles, async (req, res, next) => {
    const customer = await customerOf(req);
    if (!customer) return next();
    const query = mergeQuery.parse(req.query);
    await mergePage(req, res, customer, query.q, rowId(query.with) ?? undefined);
  });

  router.post('/staff/customers/:id/merge', ...mergeRoles, async (req, res, next) => {
    const customer = await customerOf(req);
    if (!customer) return next();
    const duplicateId = rowId(req.body.duplicate);
    const result = duplicateId ? await mergeDuplicate(db, req.staff!.company_id, customer.id, duplicateId, req.staff!.id) : { ok: false as const, refusal: 'notFound' as const };
    if (!result.ok) {
      res.status(409);
      return mergePage(req, res, customer, '', undefined, result.refusal);
    }
    res.redirect(303, `/staff/customers/${customer.id}?merged=${result.merged.mergedId}`);
  });

  return router;
}
