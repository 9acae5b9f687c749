import type { Knex } from 'knex';
import { roles, type Role } from '../lib/permissions';

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

export async function findStaffByEmail(db: Knex, email: string): Promise<StaffUser | undefined> {
  return db<StaffUser>('staff_users').whereRaw('lower(email) = lower(?)', [email.trim()]).first();
}

export async function findStaff(db: Knex, id: number): Promise<StaffUser | undefined> {
  return db<StaffUser>('staff_users').where({ id }).first();
}

export async function upsertStaff(
  db: Knex,
  user: Pick<StaffUser, 'company_id' | 'email' | 'name' | 'password_hash' | 'role'>,
): Promise<void> {
  const existing = await findStaffByEmail(db, user.email);
  if (!existing) await db('staff_users').insert(user);
}
