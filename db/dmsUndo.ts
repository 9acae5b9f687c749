/**
 * P9: undo of a DMS import as a whole, from its journal (import_records,
 * written by db/dmsMerge.ts), a batch at a time so a million records never
 * sit in one transaction and a worker that dies resumes (what is undone is
 * gone from the journal in the same transaction).
 *
 * - records it added are removed, unless used since: anything refers to
 *   them (a job, an appointment, a vehicle of the customer, a message...);
 *   those are kept and counted;
 * - fields it changed get their earlier values back where they still hold
 *   what the import wrote (a later change by staff or another import stays);
 * - the DMS ids it gave records are taken back.
 */
import type { Knex } from 'knex';
import { dmsSpecs } from './dmsMerge';
import { loadDmsRun, dmsKindOf } from './dmsImport';
import { foreignKeysTo } from './schema';

export interface UndoCounts {
  removed: number;
  restored: number;
  kept: number;
}

/** Undoes up to `limit` journal entries of the run; `done` once the journal is empty. */
export async function undoDmsBatch(trx: Knex.Transaction, runId: number, limit: number): Promise<UndoCounts & { done: boolean }> {
  const run = await loadDmsRun(trx, runId);
  if (!run) throw new Error(`DMS import run ${runId} does not exist`);
  const spec = dmsSpecs[dmsKindOf(run)];
  await trx.raw(`create temporary table if not exists dms_undo_batch (record_id int primary key, action text, previous jsonb, applied jsonb, linked_dms_id text) on commit drop`);
  await trx.raw(`truncate dms_undo_batch`);
  await trx.raw(
    `insert into dms_undo_batch select record_id, action, previous, applied, linked_dms_id from import_records
     where run_id = ? and entity = ? order by record_id limit ? for update`,
    [runId, spec.entity, limit],
  );
  const taken = Number((await trx.raw(`select count(*)::int as n from dms_undo_batch`)).rows[0].n);

  // The DMS ids this import gave.
  await trx.raw(
    `delete from ${spec.idsTable} l using dms_undo_batch b
     where l.source_id = ? and b.linked_dms_id is not null and l.dms_id = b.linked_dms_id and l.${spec.idColumn} = b.record_id`,
    [run.dms_source_id],
  );

  // Changed fields back, each only where it still holds what the import wrote.
  const columns = [...spec.columns.map((c) => ({ column: c.column, type: c.type as string })), ...(spec.entity === 'vehicle' ? [{ column: 'customer_id', type: 'int' }] : [])];
  const holds = (column: string) => `(b.previous -> '${column}' is not null and to_jsonb(m.${column}) = b.applied -> '${column}')`;
  const restored = await trx.raw(
    `update ${spec.table} m set ${columns.map(({ column, type }) => `${column} = case when ${holds(column)} then (b.previous ->> '${column}')::${type} else m.${column} end`).join(', ')}
     from dms_undo_batch b where b.record_id = m.id and b.action = 'updated' and (${columns.map(({ column }) => holds(column)).join(' or ')})`,
  );

  // Added records nobody uses since: everything that refers to the table (but their own DMS ids, which go along).
  const references = (await foreignKeysTo(trx, spec.table)).filter((ref) => ref.table !== spec.idsTable);
  const unused = references.map((ref) => `not exists (select 1 from ${ref.table} r where r.${ref.column} = m.id)`).join(' and ');
  const added = Number((await trx.raw(`select count(*)::int as n from dms_undo_batch where action = 'added'`)).rows[0].n);
  const removed = await trx.raw(`delete from ${spec.table} m using dms_undo_batch b where b.record_id = m.id and b.action = 'added'${unused ? ` and ${unused}` : ''}`);

  await trx.raw(`delete from import_records r using dms_undo_batch b where r.run_id = ? and r.entity = ? and r.record_id = b.record_id`, [runId, spec.entity]);
  return { removed: removed.rowCount ?? 0, restored: restored.rowCount ?? 0, kept: added - (removed.rowCount ?? 0), done: taken < limit };
}
