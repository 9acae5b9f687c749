import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';

/**
 * Synchronizer-token CSRF protection for every state-changing request,
 * customer and staff alike. Forms carry the token in `_csrf`; htmx sends it
 * in the X-CSRF-Token header (set once on <body hx-headers>).
 */
const csrf = csrfSync({
  // 32 random bytes (256 bits, 64 hex characters) rather than the library's 128: as unguessable, and a board of
  // 200 cards carries two tokens per card (its no-JavaScript forms).
  size: 32,
  getTokenFromRequest: (req) => (req.body?._csrf as string | undefined) ?? (req.headers['x-csrf-token'] as string | undefined),
});

/**
 * Whether the request carries this session's token (from the fields parsed
 * so far, or the header): the upload parser asks before it writes a file.
 */
export const csrfTokenValid = (req: Request) => csrf.isRequestValid(req);

/** The error a refused token gives (403, EBADCSRFTOKEN): the error page explains it. */
export const csrfRefusal = () => csrf.invalidCsrfTokenError;

export function csrfMiddleware() {
  const exposeToken = (req: Request, res: Response, next: NextFunction) => {
    // A function, so only pages with a form create a session: a visitor who
    // only reads pages leaves no session row behind.
    res.locals.csrf = () => csrf.generateToken(req);
    next();
  };
  return [csrf.csrfSynchronisedProtection, exposeToken];
}
