import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { permissionsOf } from '../../db/permissions';
import type { Permission, Permissions } from '../../lib/permissions';
import { requireStaff } from './auth';

declare global {
  namespace Express {
    interface Request {
      /** the logged-in staff member's permissions (M4), loaded once per request */
      permissions?: Permissions;
    }
  }
}

async function grantedTo(db: Knex, req: Request): Promise<Permissions> {
  req.permissions ??= await permissionsOf(db, req.staff!.company_id, req.staff!.role);
  return req.permissions;
}

/**
 * For every staff request: what the staff member may do, for routes
 * (req.permissions) and for views (`it.can.lead_manager`), so pages offer
 * only what the server allows.
 */
export function loadPermissions(db: Knex) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.staff) res.locals.can = await grantedTo(db, req);
    next();
  };
}

/** Lets the request through only for staff whose role has `permission`; others get the 403 page (htmx requests too). */
export function requirePermission(db: Knex, permission: Permission) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.staff) return requireStaff(req, res, next);
    if ((await grantedTo(db, req))[permission]) return next();
    res.status(403);
    next(Object.assign(new Error(`${req.staff.role} lacks ${permission}`), { status: 403, code: 'forbidden' }));
  };
}
