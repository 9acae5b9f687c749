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
    /** the staff member's last request that was not a page polling by itself (ms) */
    lastSeenAt?: number;
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
 * A request a page makes by itself on a timer (the New-leads badge, the lead
 * table's refresh, the job's message list): marked by the page with
 * `hx-headers='{"X-Poll": "true"}'`. It does not count as activity.
 */
const isPoll = (req: Request) => req.get('X-Poll') === 'true';

/**
 * Sessions live in PostgreSQL so any web replica can serve any request.
 * The cookie expires after the idle timeout and is renewed on each request;
 * a staff login ends after the idle timeout without activity (a page that
 * polls by itself is no activity: a workshop PC left on the lead manager
 * logs out) and after the absolute timeout, however active.
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
  // How often the last activity is written: often enough for the idle timeout, without a write per request.
  const seenGranularityMs = Math.min(60_000, idleTimeoutMs / 10);
  const staffTimeouts = (req: Request, _res: Response, next: NextFunction) => {
    const session = req.session;
    if (session?.staffId) {
      const now = Date.now();
      const idle = session.lastSeenAt !== undefined && now - session.lastSeenAt > idleTimeoutMs;
      const expired = session.loginAt !== undefined && now - session.loginAt > absoluteTimeoutMs;
      if (idle || expired) {
        delete session.staffId;
        delete session.loginAt;
        delete session.lastSeenAt;
      } else if (!isPoll(req) && now - (session.lastSeenAt ?? 0) >= seenGranularityMs) {
        session.lastSeenAt = now;
      }
    }
    next();
  };
  return { handlers: [handler, staffTimeouts, saveBeforeRedirect], store };
}
