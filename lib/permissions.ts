import type { LeadStatus } from '../workflows/lead.contract';

/** A staff member's role (staff.role); db/staff.ts re-exports it. */
export const roles = ['admin', 'service_advisor', 'receptionist', 'mechanic'] as const;
export type Role = (typeof roles)[number];

/**
 * M4: what a role may do around online service booking, and (P9) who may
 * import into the DMS datastore. Each company can switch them per role
 * (table role_permissions); without a row a role has its default below.
 */
export const permissions = ['lead_manager', 'online_booking_admin', 'edit_closed_leads', 'dms_datastore'] as const;
export type Permission = (typeof permissions)[number];
export type Permissions = Record<Permission, boolean>;

const defaults: Record<Role, readonly Permission[]> = {
  admin: permissions,
  service_advisor: ['lead_manager'],
  receptionist: ['lead_manager'],
  mechanic: [],
};

export function isDefault(role: Role, permission: Permission): boolean {
  return defaults[role].includes(permission);
}

/** Admins always administer online booking, so nobody can lock the company out of its settings. */
export function isLocked(role: Role, permission: Permission): boolean {
  return role === 'admin' && permission === 'online_booking_admin';
}

/** A role's permissions: the company's choices where it made one, the default elsewhere, locked ones always on. */
export function effectivePermissions(role: Role, choices: Partial<Record<Permission, boolean>>): Permissions {
  return Object.fromEntries(
    permissions.map((permission) => [permission, isLocked(role, permission) || (choices[permission] ?? isDefault(role, permission))]),
  ) as Permissions;
}

/** Rejected and customer-cancelled leads are closed: only changed with edit_closed_leads (M4). */
export const closedLeadStatuses: readonly LeadStatus[] = ['rejected', 'cancelled_by_customer'];

export function mayEditLead(status: LeadStatus, granted: Permissions): boolean {
  return granted.lead_manager && (granted.edit_closed_leads || !closedLeadStatuses.includes(status));
}
