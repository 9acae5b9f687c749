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

/**
 * The feature routers whose every route lives under one of `prefixes` (a
 * path's first segment: '/staff', '/p'; '/' for the root page alone), as one
 * handler: a request for any other path skips all of them at once instead
 * of being matched against each of their routes in turn. Their routes keep
 * their full paths; the routers run in the order given.
 */
export function routersUnder(prefixes: readonly string[], routers: RequestHandler[]): RequestHandler {
  const group = express.Router();
  group.use(...routers);
  const root = prefixes.includes('/');
  const segments = new Set(prefixes.filter((prefix) => prefix !== '/').map((prefix) => prefix.slice(1).toLowerCase()));
  return (req, res, next) => {
    const path = req.path;
    const end = path.indexOf('/', 1);
    // Express matches routes case-insensitively: so does this.
    const first = path.slice(1, end === -1 ? undefined : end).toLowerCase();
    if ((root && path === '/') || segments.has(first)) return group(req, res, next);
    next();
  };
}
