import { createHmac, timingSafeEqual } from 'node:crypto';
import { csrfSync } from 'csrf-sync';
import type { Express, NextFunction, Request, Response } from 'express';
import { newLinkToken } from '../../lib/tokens';
import { holdsData, sessionIfAny } from './session';

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

export interface CsrfOptions {
  /** SESSION_SECRET: the visitor's token is an HMAC of their CSRF cookie under it */
  secret: string;
  secureCookies: boolean;
}

interface VisitorTokens {
  key: Buffer;
  cookie: { name: string; options: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/'; maxAge: number } };
}

const configOf = (req: Request) => req.app.locals.csrfVisitorTokens as VisitorTokens;


const hmac = (key: Buffer, nonce: string) => createHmac('sha256', key).update(nonce).digest('base64url');

/**
 * A visitor without a session (a customer opening the look-up or the first
 * step of a form) gets a signed double-submit token instead of a session
 * row: a random value in a `__Host-` cookie (httpOnly, SameSite=Lax, Secure
 * in production) and, in the form, its HMAC under the server's secret. A
 * cross-site page can neither read the cookie nor compute the HMAC, nor (by
 * the `__Host-` prefix) plant a cookie of its own. Staff sessions keep the
 * session-bound token only.
 */
function visitorToken(req: Request, res: Response): string {
  const { key, cookie } = configOf(req);
  let nonce = req.cookies?.[cookie.name] as string | undefined;
  if (typeof nonce !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(nonce)) {
    nonce = newLinkToken();
    res.cookie(cookie.name, nonce, cookie.options);
    // A second form on the same page uses the same value.
    req.cookies = { ...req.cookies, [cookie.name]: nonce };
  }
  return hmac(key, nonce);
}

function visitorTokenValid(req: Request): boolean {
  if (sessionIfAny(req)?.staffId) return false;
  const { key, cookie } = configOf(req);
  const nonce = req.cookies?.[cookie.name] as string | undefined;
  const received = csrf.getTokenFromRequest(req) as unknown;
  if (typeof nonce !== 'string' || typeof received !== 'string' || received.length !== 43) return false;
  return timingSafeEqual(Buffer.from(received), Buffer.from(hmac(key, nonce)));
}

/**
 * Whether the request carries this visitor's token (from the fields parsed
 * so far, or the header): the upload parser asks before it writes a file.
 */
export const csrfTokenValid = (req: Request) => visitorTokenValid(req) || csrf.isRequestValid(req);

/** The error a refused token gives (403, EBADCSRFTOKEN): the error page explains it. */
export const csrfRefusal = () => csrf.invalidCsrfTokenError;

const ignoredMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfMiddleware(app: Express, { secret, secureCookies }: CsrfOptions) {
  const tokens: VisitorTokens = {
    key: createHmac('sha256', secret).update('workshop csrf visitor tokens').digest(),
    cookie: {
      name: secureCookies ? '__Host-workshop.csrf' : 'workshop.csrf',
      options: { httpOnly: true, sameSite: 'lax', secure: secureCookies, path: '/', maxAge: 12 * 3_600_000 },
    },
  };
  app.locals.csrfVisitorTokens = tokens;
  const protect = (req: Request, _res: Response, next: NextFunction) => {
    if (ignoredMethods.has(req.method) || csrfTokenValid(req)) return next();
    next(csrf.invalidCsrfTokenError);
  };
  const exposeToken = (req: Request, res: Response, next: NextFunction) => {
    // A function, so only pages with a form pay for a token; once per request, however many forms.
    let token: string | undefined;
    res.locals.csrf = () => {
      if (token === undefined) {
        const session = sessionIfAny(req);
        token = session && holdsData(session) ? csrf.generateToken(req) : visitorToken(req, res);
      }
      return token;
    };
    next();
  };
  return [protect, exposeToken];
}
