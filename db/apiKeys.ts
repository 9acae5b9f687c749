import type { Knex } from 'knex';
import { hashToken, newLinkToken } from '../lib/tokens';

/**
 * W2: per-company API keys of a planning system. A key is `wsk_` and 32
 * random bytes (base64url); the database keeps its SHA-256 and its first
 * characters for display, never the key.
 */
export interface ApiKeyRow {
  id: number;
  name: string;
  key_prefix: string;
  created_by_name: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const keyPrefix = 'wsk_';
/** What a key looks like: anything else is refused without a query. */
export const isApiKey = (value: string) => /^wsk_[A-Za-z0-9_-]{43}$/.test(value);

/** Creates a key for the company; answers the key itself, which is shown once and kept nowhere. */
export async function createApiKey(db: Knex, companyId: number, name: string, staffId: number | null): Promise<{ id: number; key: string; prefix: string }> {
  const key = keyPrefix + newLinkToken();
  const prefix = key.slice(0, keyPrefix.length + 6);
  const [{ id }] = await db('company_api_keys')
    .insert({ company_id: companyId, name, key_prefix: prefix, key_hash: hashToken(key), created_by: staffId })
    .returning('id');
  return { id, key, prefix };
}

/** The company's keys, newest first, revoked ones too. */
export async function listApiKeys(db: Knex, companyId: number): Promise<ApiKeyRow[]> {
  return db('company_api_keys as k')
    .leftJoin('staff_users as s', 's.id', 'k.created_by')
    .where('k.company_id', companyId)
    .orderBy('k.id', 'desc')
    .select('k.id', 'k.name', 'k.key_prefix', 's.name as created_by_name', 'k.created_at', 'k.last_used_at', 'k.revoked_at');
}

/** Revokes a key of the company; answers false when there is no such key still in use. */
export async function revokeApiKey(db: Knex, companyId: number, id: number): Promise<boolean> {
  const updated = await db('company_api_keys').where({ id, company_id: companyId }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return updated > 0;
}

/**
 * The company a presented key belongs to, when it is one of ours and not
 * revoked; notes when it was last used (at most once a minute per key).
 */
export async function authenticateApiKey(db: Knex, key: string): Promise<{ keyId: number; companyId: number } | undefined> {
  if (!isApiKey(key)) return undefined;
  const row = await db('company_api_keys').where({ key_hash: hashToken(key) }).whereNull('revoked_at').first('id', 'company_id', 'last_used_at');
  if (!row) return undefined;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db('company_api_keys').where({ id: row.id }).update({ last_used_at: db.fn.now() });
  }
  return { keyId: row.id, companyId: row.company_id };
}
