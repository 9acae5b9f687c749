import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureRouter, routersUnder } from './router';

// issue 14: the app's customer and staff routers as groups by their paths' first segment (web/app.ts).
describe('routersUnder', () => {
  /** how many requests passed through each group at all */
  const entered = { customer: 0, staff: 0 };
  let baseUrl = '';
  let close: () => void = () => undefined;

  beforeAll(async () => {
    const counting = (group: keyof typeof entered) => {
      const router = featureRouter();
      router.use((_req, _res, next) => {
        entered[group]++;
        next();
      });
      return router;
    };
    const portal = featureRouter();
    portal.get('/', (_req, res) => res.send('home'));
    portal.get('/p/:slug', (req, res) => res.send(`portal ${req.params.slug}`));
    const checkin = featureRouter();
    checkin.get('/c/:token', (req, res) => res.send(`check-in ${req.params.token}`));
    const jobs = featureRouter();
    jobs.get('/staff/jobs', (_req, res) => res.send('jobs'));
    const leads = featureRouter();
    leads.get('/staff/leads', (_req, res) => res.send('leads'));

    const app = express();
    app.use(routersUnder(['/', '/p', '/c'], [counting('customer'), portal, checkin]));
    app.use(routersUnder(['/staff'], [counting('staff'), jobs, leads]));
    app.get('/healthz', (_req, res) => res.send('ok'));
    app.use((_req, res) => res.status(404).send('not found'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  const get = async (path: string) => {
    const before = { ...entered };
    const response = await fetch(`${baseUrl}${path}`);
    return {
      status: response.status,
      body: await response.text(),
      customer: entered.customer - before.customer,
      staff: entered.staff - before.staff,
    };
  };

  it('sends a request under a prefix through its own group only, to the route of any of its routers', async () => {
    expect(await get('/staff/leads')).toEqual({ status: 200, body: 'leads', customer: 0, staff: 1 });
    expect(await get('/c/abc')).toEqual({ status: 200, body: 'check-in abc', customer: 1, staff: 0 });
    expect(await get('/p/ghent')).toEqual({ status: 200, body: 'portal ghent', customer: 1, staff: 0 });
  });

  it('serves the root page only where "/" is listed', async () => {
    expect(await get('/')).toEqual({ status: 200, body: 'home', customer: 1, staff: 0 });
  });

  it('lets every other path pass both groups untouched, to the routes after them', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok', customer: 0, staff: 0 });
    // A first segment that only starts like a prefix is another path.
    expect(await get('/staffroom')).toMatchObject({ status: 404, customer: 0, staff: 0 });
    expect(await get('/pages/x')).toMatchObject({ status: 404, customer: 0, staff: 0 });
  });

  it('falls through to the routes after the group when none of its routes matches', async () => {
    expect(await get('/staff/unknown')).toEqual({ status: 404, body: 'not found', customer: 0, staff: 1 });
  });

  it('matches prefixes case-insensitively, as Express matches the routes themselves', async () => {
    expect(await get('/Staff/jobs')).toEqual({ status: 200, body: 'jobs', customer: 0, staff: 1 });
  });

  it('keeps the feature routers\' path parameter checks', async () => {
    expect(await get('/p/not%20a%20slug')).toMatchObject({ status: 404, customer: 1 });
  });
});
