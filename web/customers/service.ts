import type { Knex } from 'knex';
import { duplicateCandidates, findCustomer, type Candidate, type MasterCustomer } from '../../db/appointments';
import { mergeCustomers, MergeRefusedError, type MergedCustomers } from '../../db/customers';
import { normalizePhone } from '../../lib/phones';

/** What moves with a duplicate, as the confirmation shows it. */
export interface MergeCounts {
  jobs: number;
  vehicles: number;
  appointments: number;
  messages: number;
}

/**
 * M7 merge, step 1: the duplicates of `customer` by the M7 duplicate search
 * (e-mail, phone in any notation, similar name, address) — of the customer
 * itself, or of what staff typed (a name, e-mail address, phone number or
 * customer number). Never the customer itself.
 */
export async function mergeCandidates(db: Knex, companyId: number, customer: MasterCustomer & { street: string; postal_code: string }, query: string): Promise<Candidate[]> {
  const q = query.trim();
  const contact = q
    ? {
        first_name: q.includes('@') ? '' : q,
        last_name: '',
        email: q.includes('@') ? q : '',
        phone: normalizePhone(q) ? q : '',
        street: '',
        postal_code: '',
      }
    : customer;
  const found = (await duplicateCandidates(db, companyId, contact, 11)).filter((c) => c.id !== customer.id);
  if (q) {
    const numbered = await db('customers').where({ company_id: companyId, customer_number: q, is_cash_sale: false }).whereNot({ id: customer.id }).first('id');
    if (numbered && !found.some((c) => c.id === numbered.id)) {
      const byNumber = await findCustomer(db, companyId, numbered.id);
      if (byNumber) found.unshift({ ...byNumber, score: 10, reasons: [] });
    }
  }
  return found.slice(0, 10);
}

/** M7 merge, step 2: the chosen duplicate and what would move with it. */
export async function mergePreview(db: Knex, companyId: number, keepId: number, duplicateId: number): Promise<{ duplicate: MasterCustomer; counts: MergeCounts } | undefined> {
  const duplicate = duplicateId !== keepId ? await findCustomer(db, companyId, duplicateId) : undefined;
  if (!duplicate) return undefined;
  const count = async (table: string) => Number((await db(table).where({ customer_id: duplicateId }).count({ n: '*' }).first())?.n ?? 0);
  return {
    duplicate,
    counts: { jobs: await count('jobs'), vehicles: await count('vehicles'), appointments: await count('appointments'), messages: await count('sent_messages') },
  };
}

/** M7 merge, step 3: staff confirmed. A duplicate merged meanwhile (or never this company's) is refused with its reason, not a 500. */
export async function mergeDuplicate(
  db: Knex,
  companyId: number,
  keepId: number,
  duplicateId: number,
  staffId: number,
): Promise<{ ok: true; merged: MergedCustomers } | { ok: false; refusal: MergeRefusedError['code'] }> {
  try {
    return { ok: true, merged: await mergeCustomers(db, companyId, keepId, duplicateId, staffId) };
  } catch (error) {
    if (error instanceof MergeRefusedError) return { ok: false, refusal: error.code };
    throw error;
  }
}
