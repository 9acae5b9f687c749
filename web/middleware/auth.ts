import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { findStaff, type Role, type StaffUser } from '../../db/staff';
import { sessionIfAny } from './session';

declare global {
  namespace Express {
    interface Request {
      staff?: StaffUser;
    }
  }
}

/** Loads the logged-in staff member, if any, for every /staff request. */
export function loadStaff(db: Knex) {
  return async (req: Request, res: Response, next: NextFunction) => {
    // Loaded already by a staff upload route's gate (web/app.ts), before the CSRF check.
    if (req.staff) return next();
    const id = sessionIfAny(req)?.staffId;
    if (id) {
      const user = await findStaff(db, id);
      if (user?.active) {
        req.staff = user;
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
