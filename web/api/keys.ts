import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey } from '../../db/apiKeys';
import { companyTimeZone } from '../../db/locations';
import { formatLocalDateTimeShort } from '../../lib/time';
import { fieldErrors, parseForm, type FieldErrors } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { render } from '../render';
import { featureRouter, rowId } from '../router';

declare module 'express-session' {
  interface SessionData {
    /** a key just created, shown once on the next page and then forgotten */
    newApiKey?: { id: number; key: string };
  }
}

const keySchema = z.object({ name: z.string().trim().min(1, 'errors.required').max(100, 'errors.tooLong') });

/** W2: Settings → Planning system (API): admins create (shown once), list and revoke the company's API keys. */
export function createApiKeysRouter({ db, publicUrl }: { db: Knex; publicUrl: string }) {
  const router = featureRouter();
  const admin = [requireStaff, requireRole('admin')];

  async function page(req: Request, res: Response, values: Record<string, string> = {}, errors: FieldErrors = {}) {
    const companyId = req.staff!.company_id;
    const [keys, zone] = await Promise.all([listApiKeys(db, companyId), companyTimeZone(db, companyId)]);
    const when = (date: Date | null) => (date ? formatLocalDateTimeShort(date, zone, req.language) : '');
    const created = req.session.newApiKey;
    delete req.session.newApiKey;
    render(req, res, 'api/views/apiKeys', {
      keys: keys.map((k) => ({ ...k, created: when(k.created_at), lastUsed: when(k.last_used_at), revoked: when(k.revoked_at) })),
      created,
      values,
      errors,
      done: typeof req.query.done === 'string' ? req.query.done : undefined,
      docsUrl: '/api/openapi.yaml',
      endpoint: new URL('/api/v1/appointments', publicUrl).toString(),
    });
  }

  router.get('/staff/settings/api-keys', ...admin, async (req, res) => page(req, res));

  router.post('/staff/settings/api-keys', ...admin, async (req, res) => {
    const parsed = parseForm(keySchema, req.body, 'errors.');
    if (!parsed.success) {
      res.status(422);
      return page(req, res, req.body as Record<string, string>, fieldErrors(parsed.error.issues));
    }
    const { id, key } = await createApiKey(db, req.staff!.company_id, parsed.data.name, req.staff!.id);
    req.session.newApiKey = { id, key };
    res.redirect(303, '/staff/settings/api-keys');
  });

  router.post('/staff/settings/api-keys/:id/revoke', ...admin, async (req, res) => {
    const revoked = await revokeApiKey(db, req.staff!.company_id, rowId(req.params.id)!);
    res.redirect(303, `/staff/settings/api-keys?done=${revoked ? 'revoked' : 'gone'}`);
  });

  return router;
}
