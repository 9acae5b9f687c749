import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import type { LeadBadge } from '../../db/leadManager';
import { staffOfRequest, type Role, type StaffMember } from '../../db/staff';
import { wantsFragment } from '../leads/badge';
import { sessionIfAny, staffLoadedWithSession } from './session';

declare global {
  namespace Express {
    interface Request {
      staff?: StaffMember;
      /** the New-leads badge's figures, loaded with the staff member for a whole page (web/leads/badge.ts loadLeadBadge) */
      leadBadgeFigures?: LeadBadge;
    }
  }
}

/**
 * Loads the logged-in staff member, if any, for every /staff request: with
 * their permissions (req.permissions, web/middleware/permissions.ts) and, for
 * a whole page, the New-leads badge's figures. They come with the session,
 * read in the same round trip (web/middleware/session.ts); asked for apart
 * only when the session was not read from the store.
 */
export function loadStaff(db: Knex) {
  return async (req: Request, res: Response, next: NextFunction) => {
    // Loaded already by a staff upload route's gate (web/app.ts), before the CSRF check.
    if (req.staff) return next();
    const id = sessionIfAny(req)?.staffId;
    if (id) {
      const withSession = staffLoadedWithSession(req);
      const loaded = withSession?.staff.id === id ? withSession : await staffOfRequest(db, id, { leadBadge: !wantsFragment(req) });
      const user = loaded?.staff;
      if (user?.active) {
        req.staff = user;
        req.permissions = loaded!.permissions;
        req.leadBadgeFigures = loaded!.leadBadge;
        res.locals.staff = { id: user.id, name: user.name, role: user.role };
      } else {
        delete req.session.staffId;
      }
    }
    next();
  };
}

export function requireStaff(req: Request, res: Response, next: NextFunction) {
  if (req.staff) return next();
  if (req.get('HX-Request') === 'true') {
    res.set('HX-Redirect', '/staff/login').status(401).end();
    return;
  }
  res.redirect(303, `/staff/login?next=${encodeURIComponent(req.originalUrl)}`);
}

export function requireRole(...allowed: Role[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.staff && allowed.includes(req.staff.role)) return next();
    res.status(403);
    next(Object.assign(new Error('forbidden'), { status: 403, code: 'forbidden' }));
  };
}
