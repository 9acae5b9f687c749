import type { Knex } from 'knex';

/**
 * A company's damage flow types (classic repair, express, ...). Each has a
 * daily capacity of repair appointments per location (P4); exactly one is
 * the default, which jobs without a flow type follow (a partial unique index
 * allows one default per company; a trigger creates "Classic repair" as the
 * default of every new company).
 */
export interface DamageFlowType {
  id: number;
  company_id: number;
  name: string;
  daily_capacity: number;
  is_default: boolean;
}

export interface DamageFlowTypeWithUsage extends DamageFlowType {
  job_count: number;
  booking_count: number;
}

export type DamageFlowTypeFields = Pick<DamageFlowType, 'name' | 'daily_capacity'>;

/** Why a change was refused; a translation key under flowTypes.refused.* */
export type FlowTypeRefusal = 'nameTaken' | 'isDefault' | 'inUse';

export type FlowTypeResult = { ok: true; id: number } | { ok: false; refusal: FlowTypeRefusal };

const uniqueViolation = '23505';
const foreignKeyViolation = '23503';
const pgCode = (error: unknown) => (error as { code?: string }).code;

/** The default first, then by name. */
export async function listDamageFlowTypes(db: Knex, companyId: number): Promise<DamageFlowType[]> {
  return db<DamageFlowType>('damage_flow_types')
    .where({ company_id: companyId })
    .orderBy([{ column: 'is_default', order: 'desc' }, { column: 'name' }])
    .select('id', 'company_id', 'name', 'daily_capacity', 'is_default');
}

/** With how many jobs and repair bookings name each one (jobs without a flow type follow the default but do not pin it). */
export async function listDamageFlowTypesWithUsage(db: Knex, companyId: number): Promise<DamageFlowTypeWithUsage[]> {
  return db('damage_flow_types as d')
    .where('d.company_id', companyId)
    .orderBy([{ column: 'd.is_default', order: 'desc' }, { column: 'd.name' }])
    .select(
      'd.id',
      'd.company_id',
      'd.name',
      'd.daily_capacity',
      'd.is_default',
      db.raw('(select count(*)::int from jobs j where j.damage_flow_type_id = d.id) as job_count'),
      db.raw('(select count(*)::int from bookings b where b.damage_flow_type_id = d.id) as booking_count'),
    );
}

export async function findDamageFlowType(db: Knex, companyId: number, id: number): Promise<DamageFlowType | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  return db<DamageFlowType>('damage_flow_types').where({ company_id: companyId, id }).first();
}

/** Names compare case-insensitively within a company ("Express" and "express" are one flow). */
async function nameTaken(trx: Knex.Transaction, companyId: number, name: string, exceptId?: number): Promise<boolean> {
  const query = trx('damage_flow_types').where({ company_id: companyId }).whereRaw('lower(name) = lower(?)', [name]);
  if (exceptId !== undefined) query.whereNot({ id: exceptId });
  return (await query.first('id')) !== undefined;
}

/** Serialises changes to one company's flow types (name checks, default switch, delete). */
async function lockCompanyFlowTypes(trx: Knex.Transaction, companyId: number): Promise<void> {
  await trx('damage_flow_types').where({ company_id: companyId }).orderBy('id').forUpdate().select('id');
}

export async function createDamageFlowType(db: Knex, companyId: number, fields: DamageFlowTypeFields): Promise<FlowTypeResult> {
  try {
    return await db.transaction(async (trx) => {
      await lockCompanyFlowTypes(trx, companyId);
      if (await nameTaken(trx, companyId, fields.name)) return { ok: false, refusal: 'nameTaken' } as const;
      const [row] = await trx('damage_flow_types').insert({ ...fields, company_id: companyId, is_default: false }).returning('id');
      return { ok: true, id: row.id as number } as const;
    });
  } catch (error) {
    if (pgCode(error) === uniqueViolation) return { ok: false, refusal: 'nameTaken' };
    throw error;
  }
}

export async function updateDamageFlowType(db: Knex, companyId: number, id: number, fields: DamageFlowTypeFields): Promise<FlowTypeResult> {
  try {
    return await db.transaction(async (trx) => {
      await lockCompanyFlowTypes(trx, companyId);
      if (await nameTaken(trx, companyId, fields.name, id)) return { ok: false, refusal: 'nameTaken' } as const;
      await trx('damage_flow_types').where({ company_id: companyId, id }).update(fields);
      return { ok: true, id } as const;
    });
  } catch (error) {
    if (pgCode(error) === uniqueViolation) return { ok: false, refusal: 'nameTaken' };
    throw error;
  }
}

/**
 * Makes one flow type the company's default, in one transaction: the old
 * default is cleared before the new one is set, since the partial unique
 * index is checked row by row and would refuse two defaults even for a moment.
 */
export async function makeDefaultDamageFlowType(db: Knex, companyId: number, id: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    await lockCompanyFlowTypes(trx, companyId);
    const target = await trx('damage_flow_types').where({ company_id: companyId, id }).first('id');
    if (!target) return false;
    await trx('damage_flow_types').where({ company_id: companyId, is_default: true }).whereNot({ id }).update({ is_default: false });
    await trx('damage_flow_types').where({ company_id: companyId, id }).update({ is_default: true });
    return true;
  });
}

/**
 * Deletes a flow type nobody uses. The default is kept (jobs without a flow
 * type follow it), and so is any flow a job or booking names; the foreign
 * keys refuse the delete too if a job takes it meanwhile.
 */
export async function deleteDamageFlowType(db: Knex, companyId: number, id: number): Promise<FlowTypeResult> {
  try {
    return await db.transaction(async (trx) => {
      await lockCompanyFlowTypes(trx, companyId);
      const flow = await trx<DamageFlowType>('damage_flow_types').where({ company_id: companyId, id }).first();
      if (!flow) return { ok: true, id } as const;
      if (flow.is_default) return { ok: false, refusal: 'isDefault' } as const;
      const used =
        (await trx('jobs').where({ damage_flow_type_id: id }).first('id')) ??
        (await trx('bookings').where({ damage_flow_type_id: id }).first('id'));
      if (used) return { ok: false, refusal: 'inUse' } as const;
      await trx('damage_flow_types').where({ id }).delete();
      return { ok: true, id } as const;
    });
  } catch (error) {
    if (pgCode(error) === foreignKeyViolation) return { ok: false, refusal: 'inUse' };
    throw error;
  }
}
