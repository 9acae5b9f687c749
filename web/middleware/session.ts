import connectPgSimple from 'connect-pg-simple';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import pg from 'pg';

declare module 'express-session' {
  interface SessionData {
    staffId?: number;
    loginAt?: number;
    estimate?: import('../booking/wizard').EstimateWizard;
    /** jobs this visitor proved to know by plate + job number (P4-P6) */
    portalJobs?: number[];
    /** P4: the day chosen for a repair appointment, before it is confirmed */
    repair?: { jobId: number; slotStart: string; slotTaken?: boolean };
    /** where the last repair booking link went, masked */
    repairSentTo?: string;
    /** M1: where the last service request's acknowledgement went, for the thank-you page */
    serviceRequestSentTo?: string;
  }
}

export interface SessionOptions {
  pool: pg.Pool;
  secret: string;
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  secureCookies: boolean;
}

/**
 * express-session sends a response's headers before its store write ends,
 * and a browser follows a 303 on the headers alone: the next step of a form
 * could load the session before the previous step was stored. So a session
 * holding anything is stored first, then the redirect goes out.
 */
function saveBeforeRedirect(req: Request, res: Response, next: NextFunction) {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    const session = req.session;
    const holdsData = session && Object.keys(session).some((key) => key !== 'cookie');
    if (!holdsData) return redirect(...args);
    session.save((error) => (error ? next(error) : redirect(...args)));
  }) as Response['redirect'];
  next();
}

/**
 * Sessions live in PostgreSQL so any web replica can serve any request.
 * The cookie expires after the idle timeout and is renewed on each request;
 * a staff login also ends after the absolute timeout, however active.
 */
export function sessionMiddleware({ pool, secret, idleTimeoutMs, absoluteTimeoutMs, secureCookies }: SessionOptions) {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({ pool, tableName: 'sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 });
  const handler = session({
    store,
    name: secureCookies ? '__Host-workshop.sid' : 'workshop.sid',
    secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: secureCookies, maxAge: idleTimeoutMs, path: '/' },
  });
  const absolute = (req: Request, _res: Response, next: NextFunction) => {
    const loginAt = req.session?.loginAt;
    if (loginAt && Date.now() - loginAt > absoluteTimeoutMs) {
      delete req.session.staffId;
      delete req.session.loginAt;
    }
    next();
  };
  return { handlers: [handler, absolute, saveBeforeRedirect], store };
}
