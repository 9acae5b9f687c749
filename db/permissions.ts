import type { Knex } from 'knex';
import { effectivePermissions, isDefault, isLocked, permissions, type Permission, type Permissions } from '../lib/permissions';
import { roles, type Role } from './staff';

/** What one role may do in one company (M4): one indexed read of the company's choices for that role. */
export async function permissionsOf(db: Knex, companyId: number, role: Role): Promise<Permissions> {
  const rows = await db('role_permissions')
    .where({ company_id: companyId, role })
    .select<{ permission: Permission; allowed: boolean }[]>('permission', 'allowed');
  return effectivePermissions(role, Object.fromEntries(rows.map((row) => [row.permission, row.allowed])));
}

/** Every role's permissions in a company, for the admin page. */
export async function permissionTable(db: Knex, companyId: number): Promise<Record<Role, Permissions>> {
  const rows = await db('role_permissions')
    .where({ company_id: companyId })
    .select<{ role: Role; permission: Permission; allowed: boolean }[]>('role', 'permission', 'allowed');
  return Object.fromEntries(
    roles.map((role) => [
      role,
      effectivePermissions(role, Object.fromEntries(rows.filter((row) => row.role === role).map((row) => [row.permission, row.allowed]))),
    ]),
  ) as Record<Role, Permissions>;
}

export class LockedPermissionError extends Error {
  readonly code = 'permissionLocked';
}

/**
 * Sets one permission of a role. A choice equal to the default is stored as
 * no row, so "no row" keeps meaning "the default".
 */
export async function setPermission(db: Knex, companyId: number, role: Role, permission: Permission, allowed: boolean): Promise<void> {
  if (isLocked(role, permission) && !allowed) throw new LockedPermissionError(`${role} always has ${permission}`);
  const key = { company_id: companyId, role, permission };
  if (allowed === isDefault(role, permission)) {
    await db('role_permissions').where(key).delete();
    return;
  }
  await db('role_permissions').insert({ ...key, allowed }).onConflict(['company_id', 'role', 'permission']).merge(['allowed']);
}

/** Saves the whole role × permission table at once (locked ones stay on), in one transaction. */
export async function savePermissionTable(db: Knex, companyId: number, granted: Record<Role, Permissions>): Promise<void> {
  await db.transaction(async (trx) => {
    for (const role of roles) {
      for (const permission of permissions) {
        await setPermission(trx, companyId, role, permission, isLocked(role, permission) || granted[role][permission]);
      }
    }
  });
}
