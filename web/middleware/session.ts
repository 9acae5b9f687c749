import connectPgSimple from 'connect-pg-simple';
import type { Express, NextFunction, Request, Response } from 'express';
import session from 'express-session';
import pg from 'pg';
import { sessionWithStaff, type StaffOfRequest } from '../../db/staff';

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
  /** the app whose requests and responses get the lazy session and the save before a redirect */
  app: Express;
  pool: pg.Pool;
  secret: string;
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  secureCookies: boolean;
}

/** What a session holds, as express-session compares it: everything but the cookie. */
const contentOf = (session: object) => JSON.stringify(session, function (key, value) {
  return this === session && key === 'cookie' ? undefined : value;
});

/** Whether a session holds anything: a stored one always does (express-session stores no empty session). */
export const holdsData = (session: object) => Object.keys(session).some((key) => key !== 'cookie');

/** Sessions stored by saveBeforeRedirect, with what they held then. */
const storedBeforeRedirect = new WeakMap<object, string>();

/**
 * express-session sends a response's headers before its store write ends,
 * and a browser follows a 303 on the headers alone: the next step of a form
 * could load the session before the previous step was stored. So a session
 * holding anything is stored first, then the redirect goes out. Installed
 * once on the app's response prototype, not bound on every response.
 */
function saveBeforeRedirect(app: Express) {
  const redirect = app.response.redirect as (this: Response, ...args: unknown[]) => void;
  app.response.redirect = function (this: Response, ...args: unknown[]) {
    const session = sessionIfAny(this.req);
    if (!session || !holdsData(session)) return redirect.apply(this, args);
    session.save((error) => {
      if (error) return this.req.next!(error);
      storedBeforeRedirect.set(session, contentOf(session));
      redirect.apply(this, args);
    });
  } as Response['redirect'];
}

/**
 * The PostgreSQL session store, minus one write. After a new session id
 * (login, plate + job number) express-session stores the session again as
 * the response ends, though saveBeforeRedirect stored it before the 303
 * left; the browser, following the 303 at once, may meanwhile have stored
 * newer data in it (the next page's CSRF token), which that late write
 * undid: the next form then failed as "expired". A session unchanged since
 * saveBeforeRedirect stored it is not written again.
 */
function storeWritingOnce(Base: ReturnType<typeof connectPgSimple>, touchGranularityMs: number, pool: pg.Pool) {
  return class extends Base {
    /**
     * connect-pg-simple's load (a session not expired by now, in whole
     * seconds as it stores them), with the staff member the session names,
     * their permissions and the New-leads badge in the same round trip
     * (db/staff.ts sessionWithStaff): web/middleware/auth.ts loadStaff takes
     * them from staffLoadedWithSession instead of asking again.
     */
    override get(sid: string, done: (error: unknown, session?: session.SessionData | null) => void) {
      sessionWithStaff(pool, sid, Math.ceil(Date.now() / 1000)).then(
        (found) => {
          if (found?.staff) loadedWithSession.set(found.sess, found.staff);
          done(null, found?.sess as session.SessionData | undefined);
        },
        (error: unknown) => done(error),
      );
    }

    /** express-session makes the request's session from what `get` answered: the staff member it brought goes to the request. */
    override createSession(req: Request, data: session.SessionData) {
      const staff = loadedWithSession.get(data);
      if (staff) {
        loadedWithSession.delete(data);
        (req as RequestHolding)[staffOfSession] = staff;
      }
      return super.createSession(req, data);
    }

    override set(sid: string, session: session.SessionData, done?: (error?: unknown) => void) {
      loadedExpiry.delete(session);
      const stored = storedBeforeRedirect.get(session);
      storedBeforeRedirect.delete(session);
      if (stored === contentOf(session)) return done?.();
      super.set(sid, session, done);
    }

    /**
     * A rolling session's expiry moves on with every request; writing it each
     * time is one UPDATE per staff page. It is written once it moved on by
     * `touchGranularityMs` (the stored expiry is at most that much earlier
     * than the cookie's: a session never lives longer than its idle timeout).
     */
    override touch(sid: string, session: session.SessionData, done?: (error?: unknown) => void) {
      const stored = loadedExpiry.get(session);
      loadedExpiry.delete(session);
      const expires = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : undefined;
      if (stored !== undefined && expires !== undefined && expires - stored < touchGranularityMs) return done?.();
      super.touch(sid, session, done);
    }
  };
}

/**
 * What `get` loaded along with a session, by the session's stored data, until
 * createSession hands it to the request it was loaded for. Per-request
 * entries leave these WeakMaps as soon as they are read: an entry whose key
 * dies young is dropped only by a full collection, and each one left in kept
 * its value alive through the young-generation collections (README,
 * Performance). The request holds its own under a symbol.
 */
const loadedWithSession = new WeakMap<object, StaffOfRequest>();
const staffOfSession = Symbol('staff loaded with the session');
type RequestHolding = Request & { [staffOfSession]?: StaffOfRequest };

/**
 * The staff member this request's session named when it was loaded, with
 * their permissions and badge figures, read with the session; undefined
 * when it named none or the session was made by this request.
 */
export const staffLoadedWithSession = (req: Request): StaffOfRequest | undefined => (req as RequestHolding)[staffOfSession];

/** The expiry a session had in the store when this request loaded it, until the store's touch or set reads it. */
const loadedExpiry = new WeakMap<object, number>();

/** Requests that came without a session cookie and whose session nothing asked for yet. */
const notYetMade = new WeakSet<Request>();

/**
 * The visitor's session if they have one (their cookie named one, or this
 * request made one), without making one: a page that only reads, or only
 * shows a form (its CSRF token needs no session, web/middleware/csrf.ts),
 * leaves no session and costs no session work.
 */
export function sessionIfAny(req: Request): Request['session'] | undefined {
  return notYetMade.has(req) ? undefined : req.session;
}

/**
 * express-session for a request with a session cookie; for one without,
 * the session is made the first time a route reads `req.session` (for a
 * request without a session id express-session makes it synchronously,
 * without touching the store). The accessor that notices the first read is
 * defined once, on the app's request prototype: one defined on each request
 * gave every request a hidden class of its own, and each middleware after it
 * ran slower (README, Performance). express-session's own assignment goes
 * through its setter and leaves a plain property on the request.
 */
function lazily(app: Express, handler: ReturnType<typeof session>, cookieName: string) {
  const rethrow = (error?: unknown) => {
    if (error) throw error;
  };
  Object.defineProperty(app.request, 'session', {
    configurable: true,
    enumerable: true,
    get(this: Request) {
      if (!notYetMade.has(this)) return undefined;
      notYetMade.delete(this);
      handler(this, this.res!, rethrow);
      return this.session;
    },
    set(this: Request, value: unknown) {
      notYetMade.delete(this);
      Object.defineProperty(this, 'session', { value, writable: true, configurable: true, enumerable: true });
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.cookies?.[cookieName] !== undefined) return handler(req, res, next);
    notYetMade.add(req);
    next();
  };
}

/**
 * A request a page makes by itself on a timer (the New-leads badge, the lead
 * table's refresh, the job's message list): marked by the page with
 * `hx-headers='{"X-Poll": "true"}'`. It does not count as activity.
 */
const isPoll = (req: Request) => req.get('X-Poll') === 'true';

/**
 * The session cookie's name and attributes. A browser drops a cookie only
 * when the clearing Set-Cookie names it with the same attributes (a
 * `__Host-` cookie needs Secure and Path=/), so logout uses these too.
 */
export function sessionCookie(secure: boolean) {
  return {
    name: secure ? '__Host-workshop.sid' : 'workshop.sid',
    options: { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' },
  };
}

/** Ends the session in PostgreSQL and in the browser. */
export function endSession(req: Request, res: Response, secure: boolean): Promise<void> {
  const cookie = sessionCookie(secure);
  return new Promise((resolve, reject) =>
    req.session.destroy((error) => {
      if (error) return reject(error);
      res.clearCookie(cookie.name, cookie.options);
      resolve();
    }),
  );
}

/**
 * A new session id once the visitor proves something (a staff login, a
 * plate + job number): an id someone planted or read before is worthless
 * after. `keep` carries over what the session held (a customer's wizard).
 */
export function rotateSession(req: Request, { keep }: { keep: boolean }): Promise<void> {
  const { cookie: _cookie, ...held } = req.session;
  return new Promise((resolve, reject) =>
    req.session.regenerate((error) => {
      if (error) return reject(error);
      if (keep) Object.assign(req.session, held);
      resolve();
    }),
  );
}

/**
 * Sessions live in PostgreSQL so any web replica can serve any request.
 * The cookie expires after the idle timeout and is renewed on each request;
 * a staff login ends after the idle timeout without activity (a page that
 * polls by itself is no activity: a workshop PC left on the lead manager
 * logs out) and after the absolute timeout, however active.
 */
export function sessionMiddleware({ app, pool, secret, idleTimeoutMs, absoluteTimeoutMs, secureCookies }: SessionOptions) {
  // How often the last activity and a rolling session's expiry are written: often enough for the idle timeout,
  // without a write per request.
  const seenGranularityMs = Math.min(60_000, idleTimeoutMs / 10);
  const PgStore = storeWritingOnce(connectPgSimple(session), seenGranularityMs, pool);
  const store = new PgStore({ pool, tableName: 'sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 });
  const cookie = sessionCookie(secureCookies);
  const handler = session({
    store,
    name: cookie.name,
    secret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { ...cookie.options, maxAge: idleTimeoutMs },
  });
  const staffTimeouts = (req: Request, _res: Response, next: NextFunction) => {
    const session = sessionIfAny(req);
    if (session?.cookie?.expires) loadedExpiry.set(session, new Date(session.cookie.expires).getTime());
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
  saveBeforeRedirect(app);
  return { handlers: [lazily(app, handler, cookie.name), staffTimeouts], store };
}
