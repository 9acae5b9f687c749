import type { Request, Response } from 'express';
import { companyTimeZone } from '../../db/locations';
import type { Knex } from 'knex';
import { z } from 'zod';
import { findCustomer } from '../../db/appointments';
import { customerLog, findLogCustomer } from '../../db/customerLog';
import { formatLocalDateTimeShort } from '../../lib/time';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import { featureRouter, rowId } from '../router';
import { mergeCandidates, mergeDuplicate, mergePreview } from './service';

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? value.map(asText).join(', ') : JSON.stringify(value);

/** A customer event's details as label/value pairs, whatever the event wrote; empty lists left out. */
const detailRows = (details: Record<string, unknown>) =>
  Object.entries(details ?? {})
    .filter(([key, value]) => key !== 'staff_id' && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => ({ key, value: asText(value) }));

/** M7: who may merge duplicates into a customer. */
const mayMerge = ['admin', 'service_advisor'] as const;

const mergeQuery = z.object({ q: z.string().max(200).catch(''), with: z.string().optional() }).catch({ q: '' });

/**
 * The customer's communication log: every message sent and every change
 * they made, newest first; and the M7 merge of a duplicate into them
 * (search, choose, confirm).
 */
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
    const merged = typeof req.query.merged === 'string' && rowId(req.query.merged) ? req.query.merged : '';
    render(req, res, 'customers/views/log', { customer, entries, merged, mayMerge: (mayMerge as readonly string[]).includes(req.staff!.role) });
  });

  const mergeRoles = [requireStaff, requireRole(...mayMerge)];
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
    res.redirect(303, `/staff/customers/${customer.id}/log?merged=${result.merged.mergedId}`);
  });

  return router;
}
