import express, { type RequestHandler, type Router } from 'express';

/** A row id from the URL or a form, or undefined when it is none: ids are PostgreSQL `integer`s, 1 to 2^31 - 1. */
export function rowId(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,9}$/.test(value)) return undefined;
  const id = Number(value);
  return id <= 2_147_483_647 ? id : undefined;
}
const isRowId = (value: string) => rowId(value) !== undefined;

/**
 * What each path parameter may look like. A value that does not fit is no
 * row of ours: the route is skipped and the visitor gets the 404 page,
 * instead of a query that fails on `1.5`, `9007199254740993` or a NUL byte.
 */
export const paramShapes: Record<string, (value: string) => boolean> = {
  id: isRowId,
  item: isRowId,
  file: isRowId,
  line: isRowId,
  serviceId: isRowId,
  index: (value) => /^[0-9]{1,4}$/.test(value),
  photoId: (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
  number: (value) => /^[A-Za-z0-9._-]{1,20}$/.test(value),
  jobNumber: (value) => /^[A-Za-z0-9._-]{1,20}$/.test(value),
  slug: (value) => /^[A-Za-z0-9_-]{1,64}$/.test(value),
  token: (value) => /^[A-Za-z0-9_-]{1,200}$/.test(value),
  purpose: (value) => /^[A-Za-z_]{1,40}$/.test(value),
  channel: (value) => /^[A-Za-z_]{1,20}$/.test(value),
  language: (value) => /^[a-z]{2}$/.test(value),
  size: (value) => /^[a-z]{1,10}$/.test(value),
};

/**
 * The router of a feature (web/<feature>/routes.ts). Every one checks its
 * path parameters against `paramShapes`, so no route meets a malformed one.
 */
export function featureRouter(): Router {
  const router = express.Router();
  for (const [name, fits] of Object.entries(paramShapes)) {
    router.param(name, (_req, _res, next, value: unknown) => next(typeof value === 'string' && fits(value) ? undefined : 'route'));
  }
  return router;
}

/** A path's first two segments as routes name them literally; null where a route has a parameter, a pattern or nothing. */
type Segments = readonly [first: string | null, second: string | null];

const literalSegment = /^[a-z0-9_-]+$/;

/**
 * The first two segments of a route's or middleware's path, lower-cased; null
 * for any other form (a parameter, a pattern, absent). A second segment counts
 * only after a literal first one: after a wildcard or an optional group
 * ('/*rest/staff', '/{staff/}jobs') it may stand at any depth.
 */
function layerSegments(rawPath: unknown): Segments {
  if (typeof rawPath !== 'string') return [null, null];
  const [, first, second] = rawPath.toLowerCase().split('/');
  const literal = (segment: string | undefined) => (segment !== undefined && literalSegment.test(segment) ? segment : null);
  const a = literal(first);
  return [a, a === null ? null : literal(second)];
}

/** What each of the router's own routes and middleware could match (its stack's paths). */
function routerSegments(router: RequestHandler): Segments[] {
  const stack = (router as unknown as { stack?: { rawPath?: unknown }[] }).stack;
  // Not a router (a plain middleware function): it sees every request.
  if (!Array.isArray(stack)) return [[null, null]];
  return stack.map((layer) => layerSegments(layer.rawPath));
}

/** Stands for a segment no route names (it contains a character no literal segment has). */
const OTHER = '/';

const mayMatch = (patterns: Segments[], first: string, second: string) =>
  patterns.some(([a, b]) => (a === null || a === first) && (b === null || b === second));

/**
 * The routers, in their order, that could have a route or middleware for a
 * path beginning with each pair of first segments named literally by any of
 * them; any other segment stands for every one no route names (`''` never
 * names one). A router that can match none of a path's routes would pass it
 * on untouched, so skipping it changes nothing.
 */
function dispatchBySegments(routers: RequestHandler[]): (first: string, second: string) => RequestHandler {
  const patterns = routers.map(routerSegments);
  const firsts = new Set<string>();
  const seconds = new Map<string, Set<string>>();
  for (const [a, b] of patterns.flat()) {
    if (a === null) continue;
    firsts.add(a);
    if (b !== null) seconds.set(a, (seconds.get(a) ?? new Set<string>()).add(b));
  }
  const chains = new Map<string, RequestHandler>();
  const chainFor = (first: string, second: string): RequestHandler => {
    const key = `${first}/${second}`;
    let chain = chains.get(key);
    if (!chain) {
      const group = express.Router();
      const members = routers.filter((_router, i) => mayMatch(patterns[i]!, first, second));
      if (members.length > 0) group.use(...members);
      chains.set(key, (chain = group));
    }
    return chain;
  };
  return (first, second) => {
    const f = firsts.has(first) ? first : OTHER;
    return chainFor(f, seconds.get(f)?.has(second) ? second : OTHER);
  };
}
/**
 * The feature routers whose every route lives under one of `prefixes` (a
 * path's first segment: '/staff', '/p'; '/' for the root page alone), as one
 * handler: a request for any other path skips all of them at once instead
 * of being matched against each of their routes in turn. Within the group a
 * request meets only the routers with a route or middleware for its first
 * two path segments (`/staff/leads/…` passes the jobs router by), found from
 * the routers' own paths, so a router's `router.use('/staff', requireStaff)`
 * still sees every request under /staff. Their routes keep their full paths;
 * the routers run in the order given.
 */
export function routersUnder(prefixes: readonly string[], routers: RequestHandler[]): RequestHandler {
  // Read from the routers at the first request, once every route is on them.
  let dispatch: ReturnType<typeof dispatchBySegments> | undefined;
  const root = prefixes.includes('/');
  const segments = new Set(prefixes.filter((prefix) => prefix !== '/').map((prefix) => prefix.slice(1).toLowerCase()));
  return (req, res, next) => {
    const path = req.path;
    // Express matches routes case-insensitively: so does this.
    const [, first = '', second = ''] = path.toLowerCase().split('/', 3);
    if (!((root && path === '/') || segments.has(first))) return next();
    return (dispatch ??= dispatchBySegments(routers))(first, second)(req, res, next);
  };
}
