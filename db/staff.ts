import type { Knex } from 'knex';
import { effectivePermissions, roles, type Permission, type Permissions, type Role } from '../lib/permissions';
import { leadBadgeColumnsSql, leadBadgeOf, type LeadBadge } from './leadManager';
import { preparedQuery } from './prepared';

export { roles, type Role };

export interface StaffUser {
  id: number;
  company_id: number;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  active: boolean;
}

/** A staff member as a request knows them: everything but the password hash. */
export type StaffMember = Omit<StaffUser, 'password_hash'>;

/** What every staff page needs of the logged-in staff member, loaded fresh for each request. */
export interface StaffOfRequest {
  staff: StaffMember;
  /** what their role may do in their company (M4), as db/permissions.ts permissionsOf gives it */
  permissions: Permissions;
  /** the New-leads badge's figures (M6), when asked for */
  leadBadge?: LeadBadge;
}

/**
 * The staff member, their role's permissions and (`leadBadge`) the badge's
 * figures in one round trip: one named statement per shape (db/prepared.ts).
 */
export async function staffOfRequest(db: Knex, id: number, { leadBadge }: { leadBadge: boolean }): Promise<StaffOfRequest | undefined> {
  const [row] = await preparedQuery<StaffMember & { choices: Partial<Record<Permission, boolean>>; new_leads: number; refresh_seconds: number | null }>(
    db,
    db.raw(
      `select s.id, s.company_id, s.email, s.name, s.role, s.active,
              (select coalesce(json_object_agg(p.permission, p.allowed), '{}') from role_permissions p
                where p.company_id = s.company_id and p.role = s.role) as choices
              ${leadBadge ? `, ${leadBadgeColumnsSql('s.company_id')}` : ''}
         from staff_users s where s.id = ?`,
      [id],
    ),
  );
  if (!row) return undefined;
  const { choices, new_leads, refresh_seconds, ...staff } = row;
  return {
    staff,
    permissions: effectivePermissions(staff.role, choices),
    leadBadge: leadBadge ? leadBadgeOf({ new_leads, refresh_seconds }) : undefined,
  };
}

export async function findStaffByEmail(db: Knex, email: string): Promise<StaffUser | undefined> {
  return db<StaffUser>('staff_users').whereRaw('lower(email) = lower(?)', [email.trim()]).first();
}

export async function upsertStaff(
  db: Knex,
  user: Pick<StaffUser, 'company_id' | 'email' | 'name' | 'password_hash' | 'role'>,
): Promise<void> {
  const existing = await findStaffByEmail(db, user.email);
  if (!existing) await db('staff_users').insert(user);
}
