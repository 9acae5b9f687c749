import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { leadBadge, type LeadBadge } from '../../db/leadManager';

export interface LeadBadgeView {
  /** "" for none, "1".."9", "9+" above nine (M6) */
  label: string;
  count: number;
  refreshSeconds: number;
}

/**
 * htmx asks for the piece it swaps (polling, live search); a page load, a
 * boosted link or a history restore gets the whole page, with the layout.
 */
export const wantsFragment = (req: Request) =>
  req.get('HX-Request') === 'true' && req.get('HX-Boosted') !== 'true' && req.get('HX-History-Restore-Request') !== 'true';

/** M6: the number of New leads, as the badge shows it. */
const badgeView = ({ newLeads, refreshSeconds }: LeadBadge): LeadBadgeView => ({
  label: newLeads === 0 ? '' : newLeads > 9 ? '9+' : String(newLeads),
  count: newLeads,
  refreshSeconds,
});

/**
 * M6: the number of New leads of the staff member's company, as the badge
 * shows it: counted with the staff member when this request loaded them
 * (web/middleware/auth.ts loadStaff), else now.
 */
export async function newLeadsBadge(db: Knex, req: Request): Promise<LeadBadgeView> {
  return badgeView(req.leadBadgeFigures ?? (await leadBadge(db, req.staff!.company_id)));
}

/**
 * M6: the badge beside the "Leads" link on every staff page, for staff who
 * may use the lead manager. Runs after loadPermissions. Fragments show no
 * layout, so they skip the count (the badge's own endpoint counts itself).
 */
export function loadLeadBadge(db: Knex) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.staff && req.permissions?.lead_manager && !wantsFragment(req)) res.locals.leadBadge = await newLeadsBadge(db, req);
    next();
  };
}
