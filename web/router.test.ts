import express, { type Request, type RequestHandler, type Response } from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../test/support/listen';
import { featureRouter, routersUnder } from './router';

// issue 14: the app's customer and staff routers as groups by their paths' first segment (web/app.ts).
describe('routersUnder', () => {
  /** how many requests passed through each group at all */
  const entered = { customer: 0, staff: 0 };
  let baseUrl = '';
  let close: () => Promise<void> = async () => undefined;

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
    ({ baseUrl, close } = await listenOnLoopback(app));
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

  it('passes by the routers of a group with no route or middleware for the first two segments, and only those', async () => {
    const entries = { jobs: 0, leads: 0, guard: 0 };
    const counted = (name: keyof typeof entries, build: (router: express.Router) => void) => {
      const router = featureRouter();
      build(router);
      // The router's own entry point (not in Express's types): the router stays a router, stack and all.
      type Handle = (req: Request, res: Response, next: express.NextFunction) => void;
      const withHandle = router as unknown as { handle: Handle };
      const handle = withHandle.handle.bind(router);
      withHandle.handle = (req, res, next) => {
        entries[name]++;
        handle(req, res, next);
      };
      return router;
    };
    const app = express();
    app.use(
      routersUnder(['/staff'], [
        // A guard at the prefix, as the staff router's requireStaff: it sees every request under /staff.
        counted('guard', (router) => router.use('/staff', (_req, _res, next) => next())),
        counted('jobs', (router) => router.get('/staff/jobs', (_req, res) => res.send('jobs'))),
        counted('leads', (router) => router.get('/staff/leads/:id', (req, res) => res.send(`lead ${req.params.id}`))),
      ]),
    );
    const { baseUrl: base, close: stop } = await listenOnLoopback(app);
    try {
      expect(await (await fetch(`${base}/staff/Leads/7`)).text()).toBe('lead 7');
      expect(entries).toEqual({ guard: 1, jobs: 0, leads: 1 });
      expect(await (await fetch(`${base}/staff/jobs`)).text()).toBe('jobs');
      expect(entries).toEqual({ guard: 2, jobs: 1, leads: 1 });
      expect((await fetch(`${base}/staff/other`)).status).toBe(404);
      expect(entries).toEqual({ guard: 3, jobs: 1, leads: 1 });
    } finally {
      await stop();
    }
  });

  it('runs the same routes, in the same order, as the plain chain of its routers, for any routes and paths (fast-check)', async () => {
    const segment = fc.constantFrom('staff', 'Leads', 'leads', 'jobs', 'p', ':id', '*rest', 'x-1', '{staff/}jobs', 'a{-b}');
    const layer = fc.record({ use: fc.boolean(), path: fc.array(segment, { minLength: 0, maxLength: 3 }) });
    const requested = fc.array(fc.constantFrom('staff', 'STAFF', 'leads', 'jobs', 'p', 'x-1', 'other', 'le%61ds', 'a', 'a-b', ''), { minLength: 0, maxLength: 4 });
    const prefixes = ['/', '/staff', '/leads', '/jobs', '/p', '/x-1'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(layer, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }), requested, async (routerLayers, segments) => {
        const build = (hits: string[]) =>
          routerLayers.map((layers, r) => {
            const router = express.Router();
            layers.forEach(({ use, path }, l) => {
              const handler: RequestHandler = (_req, _res, next) => {
                hits.push(`${r}.${l}`);
                next();
              };
              // Two parameters of one name are refused by path-to-regexp when the route is added: number them.
              const at = `/${path.map((name, i) => (name.startsWith(':') || name.startsWith('*') ? `${name}${i}` : name)).join('/')}`;
              if (use) router.use(at, handler);
              else router.get(at, handler);
            });
            return router;
          });
        // The router calls the last next() after the request's handlers, not always in the same tick.
        const run = (handler: RequestHandler, hits: string[]) =>
          new Promise<{ hits: string[]; error: unknown }>((resolve) => {
            const path = `/${segments.join('/')}`;
            void handler({ method: 'GET', url: path, path, originalUrl: path } as Request, {} as Response, (error?: unknown) => resolve({ hits, error }));
          });
        // What a group did before it dispatched by segments: every router of the group in turn, for paths under its prefixes.
        const plain = (routers: RequestHandler[]): RequestHandler => {
          const group = express.Router();
          group.use(...routers);
          return (req, res, next) => {
            const first = req.path.split('/')[1]!.toLowerCase();
            if (req.path === '/' || (first !== '' && prefixes.includes(`/${first}`))) return group(req, res, next);
            next();
          };
        };
        const hitsOfPlain: string[] = [];
        const expected = await run(plain(build(hitsOfPlain)), hitsOfPlain);
        const hitsOfGroup: string[] = [];
        const actual = await run(routersUnder(prefixes, build(hitsOfGroup)), hitsOfGroup);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
