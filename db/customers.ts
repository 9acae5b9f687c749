/**
 * THE customer master: one customer file per company (B2). Every writer (the
 * estimate booking's confirmation, staff jobs, lead appointments, later the
 * DMS import and the board) finds or creates its customer here, inside its
 * own transaction.
 *
 * Matching rules, in this order, within one company, never the shared
 * cash-sale customer:
 * 1. customer number: a known customer number (trimmed) is that customer;
 * 2. e-mail: the same address in any case and surrounding spaces;
 * 3. phone: the same number in any notation, compared as E.164
 *    (lib/phones.ts normalizePhone, region DEFAULT_PHONE_REGION, stored in
 *    customers.phone_normalized) — only when the e-mail did not already
 *    tell them apart: one side has no e-mail (two different addresses on
 *    one household number are two people).
 * Several candidates: the oldest (lowest id) wins.
 *
 * A match fills the customer's blank fields from what was typed (the
 * customer number too: a planning system's or DMS's number) and never
 * overwrites a non-blank one; replacing the master's data is an explicit
 * staff choice (M7 "take request data", editing the job's customer), done
 * with updateCustomerContact. No match creates the customer.
 *
 * Concurrent calls for the same person queue on transaction-scoped advisory
 * locks keyed by company + customer number / e-mail / phone, taken in a fixed
 * order, so two bookings of one new customer at once end as one row.
 */
import type { Knex } from 'knex';
import { normalizePhone } from '../lib/phones';
import { foreignKeysTo } from './schema';

/** Who someone is and where they live: typed on a lead, kept in the customer master. */
export interface ContactFields {
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  street: string;
  postal_code: string;
  city: string;
}

/** What a writer knows of a customer; '' (or absent) is blank. */
export interface CustomerContact {
  customer_number?: string | null;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  language?: string;
  street?: string;
  postal_code?: string;
  city?: string;
  gdpr_consent_at?: Date | null;
}

export type CustomerMatch = 'customer_number' | 'email' | 'phone' | 'created';

export interface MatchedCustomer {
  id: number;
  matched: CustomerMatch;
}

/** The text columns a match fills when the master has them blank. */
const fillableColumns = ['first_name', 'last_name', 'email', 'phone', 'street', 'postal_code', 'city'] as const;

/** The phone as typed (what staff read) and its E.164 form (what matches). */
export function phoneColumns(phone: string): { phone: string; phone_normalized: string } {
  return { phone: phone.trim(), phone_normalized: normalizePhone(phone) };
}

/** Transaction-scoped locks on the keys a customer is found by, in a fixed order (no deadlock between writers). */
export async function lockKeys(trx: Knex.Transaction, keys: string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [key]);
  }
}

/**
 * THE matching rules above as SQL, for a row `k` with the columns
 * customer_number, email (trimmed) and phone_normalized ('' when blank): a
 * lateral subquery that answers the customer's id and how it matched (none:
 * no row). The single-row writers (matchOrCreateCustomer) and the DMS
 * import's set-based merge (db/dmsMerge.ts, thousands of rows a statement)
 * both match through it, so the rule exists once. Binds :company_id.
 */
export const customerMatchSql = `
  select m.id, m.matched from (
    (select id, 'customer_number' as matched, 1 as rank from customers
      where company_id = :company_id and not is_cash_sale and k.customer_number <> '' and customer_number = k.customer_number
      order by id limit 1)
    union all
    (select id, 'email', 2 from customers
      where company_id = :company_id and not is_cash_sale and k.email <> '' and lower(email) = lower(k.email)
      order by id limit 1)
    union all
    -- the phone only where the e-mail did not already tell them apart: one side has none
    (select id, 'phone', 3 from customers
      where company_id = :company_id and not is_cash_sale and k.phone_normalized <> '' and phone_normalized = k.phone_normalized and (k.email = '' or email = '')
      order by id limit 1)
  ) m order by m.rank limit 1`;

/**
 * The same rules for two new rows `a` and `b` (columns email, phone_normalized):
 * whether the later would match the earlier once that one is in the file, for
 * a set-based writer that creates many customers at once (db/dmsMerge.ts).
 */
export const customerPairSql = (a: string, b: string) =>
  `((${a}.email <> '' and lower(${a}.email) = lower(${b}.email)) or (${a}.phone_normalized <> '' and ${a}.phone_normalized = ${b}.phone_normalized and (${a}.email = '' or ${b}.email = '')))`;

/** Finds the customer by the rules above, without creating or changing anything. */
async function findMatchingCustomer(
  trx: Knex.Transaction | Knex,
  companyId: number,
  contact: Pick<CustomerContact, 'customer_number' | 'email' | 'phone'>,
): Promise<{ id: number; matched: Exclude<CustomerMatch, 'created'> } | undefined> {
  const { rows } = await trx.raw(
    `select found.id, found.matched from (select cast(:customer_number as text) as customer_number, cast(:email as text) as email, cast(:phone_normalized as text) as phone_normalized) k
     cross join lateral (${customerMatchSql}) found`,
    { company_id: companyId, customer_number: (contact.customer_number ?? '').trim(), email: contact.email.trim(), phone_normalized: normalizePhone(contact.phone) },
  );
  return rows[0];
}

/**
 * THE customer match-or-create (rules at the top of this module): the
 * customer of `contact` in the company, its blank fields filled, or a new
 * customer. Call it inside the writer's transaction.
 */
export async function matchOrCreateCustomer(trx: Knex.Transaction, companyId: number, contact: CustomerContact): Promise<MatchedCustomer> {
  const number = (contact.customer_number ?? '').trim();
  const email = contact.email.trim().toLowerCase();
  const phone = normalizePhone(contact.phone);
  await lockKeys(trx, [
    ...(number ? [`customer:${companyId}:number:${number}`] : []),
    ...(email ? [`customer:${companyId}:email:${email}`] : []),
    ...(phone ? [`customer:${companyId}:phone:${phone}`] : []),
  ]);

  const found = await findMatchingCustomer(trx, companyId, contact);
  if (found) {
    await fillBlankCustomerFields(trx, found.id, contact);
    // Found by e-mail or phone: a number it lacks is the one it was looked up by (no other customer holds it).
    if (number && found.matched !== 'customer_number') {
      await trx('customers').where({ id: found.id }).whereNull('customer_number').update({ customer_number: number });
    }
    return found;
  }
  const [created] = await trx('customers')
    .insert({
      company_id: companyId,
      ...(number ? { customer_number: number } : {}),
      first_name: contact.first_name.trim(),
      last_name: contact.last_name.trim(),
      email: contact.email.trim(),
      ...phoneColumns(contact.phone),
      street: (contact.street ?? '').trim(),
      postal_code: (contact.postal_code ?? '').trim(),
      city: (contact.city ?? '').trim(),
      gdpr_consent_at: contact.gdpr_consent_at ?? null,
      ...(contact.language ? { language: contact.language } : {}),
    })
    .returning('id');
  return { id: created.id, matched: 'created' };
}

/** A match never overwrites: each blank column takes what was typed, the consent its first date. */
export async function fillBlankCustomerFields(trx: Knex.Transaction, id: number, contact: CustomerContact): Promise<void> {
  const current = await trx('customers').where({ id }).forUpdate().first();
  const changes: Record<string, unknown> = {};
  for (const column of fillableColumns) {
    const value = String(contact[column] ?? '').trim();
    if (value && !String(current[column] ?? '').trim()) changes[column] = value;
  }
  if (changes.phone) changes.phone_normalized = normalizePhone(String(changes.phone));
  if (contact.gdpr_consent_at && !current.gdpr_consent_at) changes.gdpr_consent_at = contact.gdpr_consent_at;
  if (Object.keys(changes).length > 0) await trx('customers').where({ id }).update(changes);
}

/**
 * An explicit overwrite of a customer's contact data, chosen by staff (M7
 * "take request data", the job's edit form) or typed by the customer (C4):
 * keeps phone_normalized in step with phone. Never the cash-sale customer.
 */
export async function updateCustomerContact(
  db: Knex | Knex.Transaction,
  companyId: number,
  id: number,
  fields: Partial<Omit<CustomerContact, 'customer_number' | 'gdpr_consent_at'>> & { preferred_channel?: string },
): Promise<boolean> {
  const changes: Record<string, unknown> = { ...fields };
  if (typeof fields.phone === 'string') Object.assign(changes, phoneColumns(fields.phone));
  if (Object.keys(changes).length === 0) return false;
  const updated = await db('customers').where({ id, company_id: companyId, is_cash_sale: false }).update(changes);
  return updated > 0;
}

export class MergeRefusedError extends Error {
  constructor(readonly code: 'sameCustomer' | 'notFound') {
    super(`merge refused: ${code}`);
  }
}

export interface MergedCustomers {
  keptId: number;
  mergedId: number;
  /** how many rows of each table now point at the kept customer instead */
  moved: Record<string, number>;
}

/**
 * M7: `mergeId` is a duplicate of `keepId`. In one transaction everything
 * that references the duplicate (every foreign key to customers: jobs,
 * vehicles, appointments, sent messages, customer events, and whatever is
 * added later) moves to the kept customer, leads that named the
 * duplicate's customer number name the kept one's, the kept customer's
 * blank fields are filled from the duplicate (nothing it has is
 * overwritten), a 'merged' event records it on the kept customer's
 * timeline, and the duplicate is deleted. Both must be real customers of
 * `companyId` (never the cash-sale customer).
 */
export async function mergeCustomers(db: Knex, companyId: number, keepId: number, mergeId: number, staffId: number | null): Promise<MergedCustomers> {
  if (keepId === mergeId) throw new MergeRefusedError('sameCustomer');
  return db.transaction(async (trx) => {
    // Both rows locked, in id order: two merges of the same pair queue, the second finds the duplicate gone.
    const rows = await trx('customers')
      .whereIn('id', [keepId, mergeId])
      .where({ company_id: companyId, is_cash_sale: false })
      .orderBy('id')
      .forUpdate();
    const kept = rows.find((r) => r.id === keepId);
    const merged = rows.find((r) => r.id === mergeId);
    if (!kept || !merged) throw new MergeRefusedError('notFound');

    const moved: Record<string, number> = {};
    for (const { table, column } of await foreignKeysTo(trx, 'customers')) {
      if (table === 'customers') continue;
      const count = await trx(table).where(column, mergeId).update({ [column]: keepId });
      if (count > 0) moved[table] = (moved[table] ?? 0) + count;
    }

    const changes: Record<string, unknown> = {};
    for (const column of fillableColumns) {
      if (!String(kept[column] ?? '').trim() && String(merged[column] ?? '').trim()) changes[column] = merged[column];
    }
    if (changes.phone) changes.phone_normalized = merged.phone_normalized;
    if (!kept.gdpr_consent_at && merged.gdpr_consent_at) changes.gdpr_consent_at = merged.gdpr_consent_at;
    if (merged.customer_number) {
      if (kept.customer_number) {
        const leads = await trx('leads').where({ company_id: companyId, customer_number: merged.customer_number }).update({ customer_number: kept.customer_number });
        if (leads > 0) moved.leads = leads;
      } else {
        changes.customer_number = merged.customer_number;
      }
    }

    await trx('customer_events').insert({
      customer_id: keepId,
      kind: 'merged',
      details: {
        merged_id: mergeId,
        customer_number: merged.customer_number ?? '',
        name: `${merged.first_name} ${merged.last_name}`.trim(),
        email: merged.email,
        phone: merged.phone,
        staff_id: staffId,
      },
    });
    await trx('customers').where({ id: mergeId }).delete();
    // The number moves only once the duplicate no longer holds it (customers_number is unique).
    if (Object.keys(changes).length > 0) await trx('customers').where({ id: keepId }).update(changes);
    return { keptId: keepId, mergedId: mergeId, moved };
  });
}
