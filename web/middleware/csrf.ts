import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';

/**
 * Synchronizer-token CSRF protection for every state-changing request,
 * customer and staff alike. Forms carry the token in `_csrf`; htmx sends it
 * in the X-CSRF-Token header (set once on <body hx-headers>).
 */
export function csrfMiddleware() {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
  });
  const exposeToken = (req: Request, res: Response, next: NextFunction) => {
    // A function, so only pages with a form create a session: a visitor who
    // only reads pages leaves no session row behind.
    res.locals.csrf = () => generateToken(req);
    next();
  };
  return [csrfSynchronisedProtection, exposeToken];
}
