import type { Knex } from 'knex';
import type pg from 'pg';
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

type StaffOfRequestRow = StaffMember & { choices: Partial<Record<Permission, boolean>>; new_leads: number; refresh_seconds: number | null };

/** staffOfRequest's columns over staff_users `s`: the member, their role's choices, (`leadBadge`) the badge's figures. */
const staffOfRequestColumns = (leadBadge: boolean) =>
  `s.id, s.company_id, s.email, s.name, s.role, s.active,
   (select coalesce(json_object_agg(p.permission, p.allowed), '{}') from role_permissions p
     where p.company_id = s.company_id and p.role = s.role) as choices
   ${leadBadge ? `, ${leadBadgeColumnsSql('s.company_id')}` : ''}`;

function staffOfRequestFrom({ choices, new_leads, refresh_seconds, ...staff }: StaffOfRequestRow, leadBadge: boolean): StaffOfRequest {
  return {
    staff,
    permissions: effectivePermissions(staff.role, choices),
    leadBadge: leadBadge ? leadBadgeOf({ new_leads, refresh_seconds }) : undefined,
  };
}

/**
 * The staff member, their role's permissions and (`leadBadge`) the badge's
 * figures in one round trip: one named statement per shape (db/prepared.ts).
 */
export async function staffOfRequest(db: Knex, id: number, { leadBadge }: { leadBadge: boolean }): Promise<StaffOfRequest | undefined> {
  const [row] = await preparedQuery<StaffOfRequestRow>(db, db.raw(`select ${staffOfRequestColumns(leadBadge)} from staff_users s where s.id = ?`, [id]));
  return row ? staffOfRequestFrom(row, leadBadge) : undefined;
}

const sessionWithStaffStatement = {
  name: 'session-with-staff',
  text: `select x.sess, ${staffOfRequestColumns(true)}
           from sessions x left join staff_users s on s.id = (x.sess->>'staffId')::int
          where x.sid = $1 and x.expire >= to_timestamp($2)`,
};

/**
 * A stored session that has not expired by `nowSeconds` (the sessions
 * table, as connect-pg-simple keeps it) and, when it names a staff member,
 * staffOfRequest's figures for them with the badge's: a staff page's first
 * look-up is its only one before its own. One named statement on `pool`.
 */
export async function sessionWithStaff(
  pool: pg.Pool,
  sid: string,
  nowSeconds: number,
): Promise<{ sess: Record<string, unknown>; staff?: StaffOfRequest } | undefined> {
  const { rows } = await pool.query<StaffOfRequestRow & { sess: Record<string, unknown>; id: number | null }>({ ...sessionWithStaffStatement, values: [sid, nowSeconds] });
  const row = rows[0];
  if (!row) return undefined;
  const { sess, ...staff } = row;
  return { sess, staff: staff.id === null ? undefined : staffOfRequestFrom(staff, true) };
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
