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

/**
 * Saves the whole role × permission table at once (locked ones stay on), in
 * one transaction under the company's row lock: the company's rows are
 * replaced by its choices that differ from the defaults.
 */
export async function savePermissionTable(db: Knex, companyId: number, granted: Record<Role, Permissions>): Promise<void> {
  const rows = roles.flatMap((role) =>
    permissions
      .map((permission) => ({ role, permission, allowed: isLocked(role, permission) || granted[role][permission] }))
      .filter(({ role, permission, allowed }) => allowed !== isDefault(role, permission))
      .map((choice) => ({ company_id: companyId, ...choice })),
  );
  await db.transaction(async (trx) => {
    // Two admins saving at once: one after the other, each table whole.
    await trx('companies').where({ id: companyId }).forNoKeyUpdate().first('id');
    await trx('role_permissions').where({ company_id: companyId }).delete();
    if (rows.length > 0) await trx('role_permissions').insert(rows);
  });
}
