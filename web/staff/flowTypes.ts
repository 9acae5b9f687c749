import { type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import {
  createDamageFlowType,
  deleteDamageFlowType,
  findDamageFlowType,
  listDamageFlowTypesWithUsage,
  makeDefaultDamageFlowType,
  updateDamageFlowType,
  type DamageFlowType,
  type DamageFlowTypeFields,
  type FlowTypeRefusal,
} from '../../db/damageFlowTypes';
import { fieldErrors, type FieldErrors, parseForm } from '../errors';
import { requireRole } from '../middleware/auth';
import { render } from '../render';
import { featureRouter } from '../router';

const base = '/staff/settings/damage-flow-types';

// Messages are full translation keys.
const flowTypeSchema = z.object({
  name: z.string({ error: 'errors.required' }).trim().min(1, 'errors.required').max(100, 'errors.tooLong'),
  daily_capacity: z
    .string({ error: 'flowTypes.errors.capacity' })
    .trim()
    .regex(/^\d{1,4}$/, 'flowTypes.errors.capacity')
    .transform(Number)
    .refine((capacity) => capacity <= 1000, 'flowTypes.errors.capacity'),
});

export type FlowTypeFormResult = { ok: true; fields: DamageFlowTypeFields } | { ok: false; errors: FieldErrors };

export function parseFlowTypeForm(body: Record<string, unknown>): FlowTypeFormResult {
  const parsed = parseForm(flowTypeSchema, body ?? {}, 'errors.');
  return parsed.success ? { ok: true, fields: parsed.data } : { ok: false, errors: fieldErrors(parsed.error.issues) };
}

const done = ['added', 'saved', 'default', 'deleted'] as const;

/** Admin: a company's damage flow types, their daily repair capacity and which one is the default (P4). */
export function createFlowTypesRouter({ db }: { db: Knex }) {
  const router = featureRouter();
  router.use(base, requireRole('admin'));

  interface ListPage {
    values?: Record<string, unknown>;
    errors?: FieldErrors;
    refused?: { refusal: FlowTypeRefusal; name: string };
  }

  async function listPage(req: Request, res: Response, page: ListPage = {}) {
    const flowTypes = await listDamageFlowTypesWithUsage(db, req.staff!.company_id);
    const notice = done.find((key) => key === req.query.done);
    render(req, res, 'staff/views/flowTypes', {
      flowTypes,
      values: page.values ?? { name: '', daily_capacity: '4' },
      errors: page.errors ?? {},
      refused: page.refused,
      done: page.errors || page.refused ? undefined : notice,
    });
  }

  async function ownFlowType(req: Request): Promise<DamageFlowType | undefined> {
    return findDamageFlowType(db, req.staff!.company_id, Number(req.params.id));
  }

  router.get(base, (req, res) => listPage(req, res));

  router.post(base, async (req, res) => {
    const form = parseFlowTypeForm(req.body);
    if (!form.ok) {
      res.status(422);
      return listPage(req, res, { values: req.body, errors: form.errors });
    }
    const result = await createDamageFlowType(db, req.staff!.company_id, form.fields);
    if (!result.ok) {
      res.status(422);
      return listPage(req, res, { values: req.body, errors: { name: `flowTypes.refused.${result.refusal}` } });
    }
    res.redirect(303, `${base}?done=added`);
  });

  router.get(`${base}/:id`, async (req, res, next) => {
    const flowType = await ownFlowType(req);
    if (!flowType) return next();
    render(req, res, 'staff/views/flowTypeEdit', { flowType, values: flowType, errors: {} });
  });

  router.post(`${base}/:id`, async (req, res, next) => {
    const flowType = await ownFlowType(req);
    if (!flowType) return next();
    const form = parseFlowTypeForm(req.body);
    if (!form.ok) {
      res.status(422);
      return render(req, res, 'staff/views/flowTypeEdit', { flowType, values: req.body, errors: form.errors });
    }
    const result = await updateDamageFlowType(db, flowType.company_id, flowType.id, form.fields);
    if (!result.ok) {
      res.status(422);
      return render(req, res, 'staff/views/flowTypeEdit', { flowType, values: req.body, errors: { name: `flowTypes.refused.${result.refusal}` } });
    }
    res.redirect(303, `${base}?done=saved`);
  });

  router.post(`${base}/:id/default`, async (req, res, next) => {
    const flowType = await ownFlowType(req);
    if (!flowType) return next();
    await makeDefaultDamageFlowType(db, flowType.company_id, flowType.id);
    res.redirect(303, `${base}?done=default`);
  });

  router.post(`${base}/:id/delete`, async (req, res, next) => {
    const flowType = await ownFlowType(req);
    if (!flowType) return next();
    const result = await deleteDamageFlowType(db, flowType.company_id, flowType.id);
    if (!result.ok) {
      res.status(409);
      return listPage(req, res, { refused: { refusal: result.refusal, name: flowType.name } });
    }
    res.redirect(303, `${base}?done=deleted`);
  });

  return router;
}
