import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { leadBadge } from '../../db/leadManager';

export interface LeadBadgeView {
  /** "" for none, "1".."9", "9+" above nine (M6) */
  label: string;
  count: number;
  refreshSeconds: number;
}

/**
 * M6: the number of New leads beside the "Leads" link on every staff page,
 * for staff who may use the lead manager. Runs after loadPermissions. htmx
 * fragments (the lead table's polling, live search) show no layout, so they
 * skip the count; the badge's own endpoint needs it.
 */
export function loadLeadBadge(db: Knex) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const fragment = req.get('HX-Request') === 'true' && req.get('HX-Boosted') !== 'true' && req.get('HX-History-Restore-Request') !== 'true';
    if (req.staff && req.permissions?.lead_manager && (!fragment || req.path === '/staff/leads/badge')) {
      const { newLeads, refreshSeconds } = await leadBadge(db, req.staff.company_id);
      res.locals.leadBadge = { label: newLeads === 0 ? '' : newLeads > 9 ? '9+' : String(newLeads), count: newLeads, refreshSeconds } satisfies LeadBadgeView;
    }
    next();
  };
}
