/**
 * P9/D5: a batch of a DMS file's rows merged into the one customer file or
 * vehicle master, set-based: the rows go into a staging table in one
 * statement, and each step below is one statement over the whole batch
 * (thousands of rows), never a query per row.
 *
 * 1. (vehicles) the owner: the customer the DMS calls customer_dms_id, by
 *    that source's ids; an unknown one fails the row (import the customers
 *    first).
 * 2. the record: the one this DMS id was linked to before, else the master's
 *    own matching rule (customerMatchSql / vehicleMatchSql: the same SQL the
 *    single-row writers use), else a new record.
 * 3. duplicates in the file: a row that comes to a record an earlier row of
 *    this import came to (in this batch, or in an earlier one: import_records)
 *    is reported, not imported twice; so is a new row the master's rule would
 *    have matched to an earlier new row (customerPairSql / vehiclePairSql).
 * 4. supplement: known records stay as they are; full: every field the file
 *    fills (an empty cell never erases) overwrites, the earlier values kept in
 *    import_records for undo. A vehicle's owner is filled when it has none and
 *    never reassigned (M8).
 * 5. new records are inserted, and every record gets this DMS id
 *    (customer_dms_ids / vehicle_dms_ids).
 *
 * Every record a row came to is journalled in import_records (added, updated
 * with the fields' earlier and new values, unchanged): the undo reads it.
 * Runs in the caller's transaction (the batch's, with its cursor; or the
 * preview's, which is rolled back).
 */
import type { Knex } from 'knex';
import type { DmsCustomerRow, DmsVehicleRow } from '../lib/csv/dms';
import type { RowError, RowReason } from '../lib/csv/errors';
import type { CsvBatch } from '../lib/csv/read';
import { customerMatchSql, customerPairSql } from './customers';
import type { DmsKind, DmsMode } from './dmsSources';
import { vehicleMatchSql, vehiclePairSql } from './vehicles';

/** The rows as lib/csv/dms.ts shapes them; absent (undefined) = the file leaves it empty. */
export type DmsCustomerInput = DmsCustomerRow;
export type DmsVehicleInput = DmsVehicleRow;

export interface MergeRow<T> {
  line: number;
  raw?: string;
  value: T;
}

export interface MergeContext {
  companyId: number;
  sourceId: number;
  runId: number;
  mode: DmsMode;
  /** the file's header of each field, for the report's column */
  headers: Partial<Record<string, string>>;
}

export interface MergeOutcome {
  added: number;
  updated: number;
  unchanged: number;
  /** field → in how many records this batch changed it */
  updatedFields: Record<string, number>;
  /** duplicates and unknown owners (the parser's and schema's errors are the caller's) */
  errors: RowError[];
}

type ColumnType = 'text' | 'int' | 'date';

interface EntitySpec {
  entity: 'customer' | 'vehicle';
  table: 'customers' | 'vehicles';
  idsTable: 'customer_dms_ids' | 'vehicle_dms_ids';
  idColumn: 'customer_id' | 'vehicle_id';
  /** the master's columns the file fills, with the field they come from */
  columns: { column: string; type: ColumnType; field: string }[];
  /** the staging row as the matching rule's `k` */
  matchKeys: string;
  matchSql: string;
  pairSql: (a: string, b: string) => string;
  /** the pair rule's columns of a staging row */
  pairKeys: string;
  /** values two rows must share for the pair rule to hold ($ = the row): the joins that find the pairs */
  pairJoins: string[];
  /** what a new record gets besides the file's columns */
  insertDefaults: Record<string, string>;
}

const customerSpec: EntitySpec = {
  entity: 'customer',
  table: 'customers',
  idsTable: 'customer_dms_ids',
  idColumn: 'customer_id',
  columns: [
    { column: 'first_name', type: 'text', field: 'first_name' },
    { column: 'last_name', type: 'text', field: 'last_name' },
    { column: 'email', type: 'text', field: 'email' },
    { column: 'phone', type: 'text', field: 'phone' },
    { column: 'phone_normalized', type: 'text', field: 'phone' },
    { column: 'street', type: 'text', field: 'street' },
    { column: 'postal_code', type: 'text', field: 'postal_code' },
    { column: 'city', type: 'text', field: 'city' },
    { column: 'language', type: 'text', field: 'language' },
  ],
  matchKeys: `'' as customer_number, coalesce(s.email, '') as email, coalesce(s.phone_normalized, '') as phone_normalized`,
  matchSql: customerMatchSql,
  pairSql: customerPairSql,
  pairKeys: `coalesce(email, '') as email, coalesce(phone_normalized, '') as phone_normalized`,
  pairJoins: ['lower($.email)', '$.phone_normalized'],
  insertDefaults: { first_name: `''`, last_name: `''`, email: `''`, phone: `''`, phone_normalized: `''`, street: `''`, postal_code: `''`, city: `''`, language: `'en'` },
};

const vehicleSpec: EntitySpec = {
  entity: 'vehicle',
  table: 'vehicles',
  idsTable: 'vehicle_dms_ids',
  idColumn: 'vehicle_id',
  columns: [
    { column: 'plate', type: 'text', field: 'plate' },
    { column: 'plate_normalized', type: 'text', field: 'plate' },
    { column: 'vin', type: 'text', field: 'vin' },
    { column: 'make', type: 'text', field: 'make' },
    { column: 'model', type: 'text', field: 'model' },
    { column: 'first_registration', type: 'date', field: 'first_registration' },
    { column: 'mileage_km', type: 'int', field: 'mileage' },
  ],
  matchKeys: `coalesce(s.vin, '') as vin, coalesce(s.plate_normalized, '') as plate, s.customer_id`,
  matchSql: vehicleMatchSql,
  pairSql: vehiclePairSql,
  pairKeys: `coalesce(vin, '') as vin, coalesce(plate_normalized, '') as plate`,
  pairJoins: ['$.vin', '$.plate'],
  insertDefaults: { plate: `''`, plate_normalized: `''`, vin: `''`, make: `''`, model: `''`, first_registration: 'null', mileage_km: 'null' },
};

export const dmsSpecs: Record<DmsKind, EntitySpec> = { customers: customerSpec, vehicles: vehicleSpec };

const stageOf = (spec: EntitySpec) => `dms_stage_${spec.table}`;

/** The staging table of the batch: made once per transaction, emptied per batch. */
async function stage(trx: Knex.Transaction, spec: EntitySpec, rows: MergeRow<Record<string, unknown>>[]): Promise<void> {
  const table = stageOf(spec);
  const columns = spec.columns.map((c) => `${c.column} ${c.type === 'int' ? 'int' : c.type}`).join(', ');
  const owner = spec.entity === 'vehicle' ? ', customer_dms_id text, customer_id int' : '';
  await trx.raw(
    `create temporary table if not exists ${table} (
       ord int primary key, line int not null, dms_id text not null, ${columns}${owner},
       record_id int, has_link boolean not null default false, is_new boolean not null default false,
       dup_line int, fail text, applied jsonb, previous jsonb
     ) on commit drop`,
  );
  await trx.raw(`truncate ${table}`);
  const names = ['ord', 'line', 'dms_id', ...spec.columns.map((c) => c.column), ...(spec.entity === 'vehicle' ? ['customer_dms_id'] : [])];
  const types = ['int', 'int', 'text', ...spec.columns.map((c) => c.type), ...(spec.entity === 'vehicle' ? ['text'] : [])];
  // One JSON text for the whole batch: a single binding, read by json_to_recordset.
  const records = rows.map((row, ord) => {
    const record: Record<string, unknown> = { ord, line: row.line };
    for (const name of names.slice(2)) {
      const value = row.value[name];
      if (value !== undefined && value !== '') record[name] = value;
    }
    return record;
  });
  await trx.raw(
    `insert into ${table} (${names.join(', ')}) select ${names.join(', ')} from json_to_recordset(cast(? as json)) as x(${names.map((name, index) => `${name} ${types[index]}`).join(', ')})`,
    [JSON.stringify(records)],
  );
  // Its row count and values, so the batch's joins are planned as hash joins rather than loops.
  await trx.raw(`analyze ${table}`);
}

/**
 * Merges one batch of rows of a DMS file (rules at the top). Answers the
 * counts, which fields changed how often, and the rows it refused.
 */
export async function mergeDmsBatch(trx: Knex.Transaction, kind: DmsKind, context: MergeContext, rows: MergeRow<DmsCustomerInput | DmsVehicleInput>[]): Promise<MergeOutcome> {
  const spec = dmsSpecs[kind];
  const outcome: MergeOutcome = { added: 0, updated: 0, unchanged: 0, updatedFields: {}, errors: [] };
  if (rows.length === 0) return outcome;
  const table = stageOf(spec);
  const bind = { company_id: context.companyId, source_id: context.sourceId, run_id: context.runId, entity: spec.entity };
  await stage(trx, spec, rows as unknown as MergeRow<Record<string, unknown>>[]);

  if (spec.entity === 'vehicle') {
    // 1. The owner, by the DMS's own customer ids.
    await trx.raw(
      `update ${table} s set customer_id = l.customer_id from customer_dms_ids l where l.source_id = :source_id and l.dms_id = s.customer_dms_id`,
      bind,
    );
    await trx.raw(`update ${table} set fail = 'unknownCustomer' where customer_dms_id is not null and customer_id is null`);
  }

  // 2. The record: this DMS id's, else the master's rule.
  await trx.raw(
    `update ${table} s set record_id = l.${spec.idColumn}, has_link = true from ${spec.idsTable} l where l.source_id = :source_id and l.dms_id = s.dms_id and s.fail is null`,
    bind,
  );
  await trx.raw(
    `update ${table} s set record_id = found.id
     from (select s.ord, ${spec.matchKeys} from ${table} s where s.record_id is null and s.fail is null) k
     cross join lateral (${spec.matchSql}) found
     where s.ord = k.ord`,
    bind,
  );

  // 3. Duplicates: the same record as an earlier row of this import (this batch or an earlier one: import_records),
  //    the same DMS id, or a new row the rule would match to an earlier row's values (or a known record that would
  //    take an earlier new row's VIN). Equality joins and window functions: a batch costs n log n, never n².
  await trx.raw(
    `update ${table} s set dup_line = coalesce(w.journalled, w.first_line)
     from (select ord, first_value(line) over (partition by record_id order by ord) as first_line, row_number() over (partition by record_id order by ord) as n,
                  -- one index probe per row (the journal's primary key), whatever the journal's size
                  (select r.line from import_records r where r.run_id = :run_id and r.entity = :entity and r.record_id = t.record_id) as journalled
           from ${table} t where record_id is not null and fail is null) w
     where s.ord = w.ord and (w.journalled is not null or w.n > 1)`,
    bind,
  );
  const keyed = (key: string) =>
    `select k.ord, e.line from keys k join keys e on ${key.replaceAll('$', 'e')} = ${key.replaceAll('$', 'k')} and ${key.replaceAll('$', 'k')} <> '' and e.ord < k.ord
       and (k.record_id is null or e.record_id is null) and ${spec.pairSql('e', 'k')}`;
  await trx.raw(
    `with keys as (select ord, line, dms_id, record_id, ${spec.pairKeys} from ${table} where fail is null),
     earlier as (
       select k.ord, e.line from keys k join keys e on e.dms_id = k.dms_id and e.ord < k.ord
       ${spec.pairJoins.map((key) => `union all ${keyed(key)}`).join('\n       ')}
     )
     update ${table} s set dup_line = d.line from (select ord, min(line) as line from earlier group by ord) d
     where s.ord = d.ord and s.dup_line is null`,
  );

  // 4. Full: what the file fills and the record holds otherwise (the owner only where it has none).
  const resolved = `s.record_id is not null and s.dup_line is null and s.fail is null`;
  if (context.mode === 'full') {
    const pairs = spec.columns.map((c) => `'${c.column}', case when s.${c.column} is not null and s.${c.column} is distinct from m.${c.column} then to_jsonb(s.${c.column}) end`);
    if (spec.entity === 'vehicle') pairs.push(`'customer_id', case when m.customer_id is null and s.customer_id is not null then to_jsonb(s.customer_id) end`);
    await trx.raw(
      `update ${table} s set applied = nullif(jsonb_strip_nulls(jsonb_build_object(${pairs.join(', ')})), '{}'::jsonb)
       from ${spec.table} m where m.id = s.record_id and ${resolved}`,
    );
    if (spec.entity === 'vehicle') {
      // A VIN or plate another vehicle of the master holds: the row fails rather than break the master's keys.
      await trx.raw(
        `update ${table} s set fail = 'belongsToOtherVehicle', applied = null
         from vehicles m
         where m.id = s.record_id and s.applied is not null and (
           (s.applied ->> 'vin' is not null and exists (
             select 1 from vehicles o where o.company_id + 0 = :company_id and o.id <> m.id and o.vin <> '' and upper(o.vin) = s.applied ->> 'vin')) or
           (coalesce(s.applied ->> 'vin', m.vin) = '' and exists (
             select 1 from vehicles o where o.company_id + 0 = :company_id and o.id <> m.id and o.vin = '' and o.plate_normalized = coalesce(s.applied ->> 'plate_normalized', m.plate_normalized))))`,
        bind,
      );
    }
    await trx.raw(
      `update ${table} s set previous = (select jsonb_object_agg(key, to_jsonb(m) -> key) from jsonb_object_keys(s.applied) key)
       from ${spec.table} m where m.id = s.record_id and s.applied is not null`,
    );
    const columns = [...spec.columns.map((c) => ({ column: c.column, type: c.type })), ...(spec.entity === 'vehicle' ? [{ column: 'customer_id', type: 'int' as ColumnType }] : [])];
    await trx.raw(
      `update ${spec.table} m set ${columns
        .map(({ column, type }) => `${column} = case when s.applied -> '${column}' is not null then (s.applied ->> '${column}')::${type} else m.${column} end`)
        .join(', ')}
       from ${table} s where m.id = s.record_id and s.applied is not null`,
    );
  }

  // 5. New records, with ids taken beforehand so each row knows its own.
  const sequence = `pg_get_serial_sequence('${spec.table}', 'id')`;
  await trx.raw(`update ${table} set record_id = nextval(${sequence}), is_new = true where record_id is null and dup_line is null and fail is null`);
  const insertColumns = spec.columns.map((c) => c.column);
  const inserted = await trx.raw(
    `insert into ${spec.table} (id, company_id, ${insertColumns.join(', ')}${spec.entity === 'vehicle' ? ', customer_id' : ''})
     select record_id, :company_id, ${insertColumns.map((column) => `coalesce(${column}, ${spec.insertDefaults[column]})`).join(', ')}${spec.entity === 'vehicle' ? ', customer_id' : ''}
     from ${table} where is_new order by ord
     on conflict do nothing returning id`,
    bind,
  );
  const expected = await trx.raw(`select count(*)::int as n from ${table} where is_new`);
  if (inserted.rows.length !== expected.rows[0].n) {
    // A writer outside this import (a booking, a job) made one of these vehicles meanwhile: this batch is retried and finds it.
    throw new DmsMergeConflict(`${expected.rows[0].n - inserted.rows.length} ${spec.table} were created by another writer during the batch`);
  }

  await trx.raw(
    `insert into ${spec.idsTable} (source_id, dms_id, ${spec.idColumn})
     select :source_id, dms_id, record_id from ${table} s where ${resolved} and not s.has_link
     on conflict do nothing`,
    bind,
  );
  await trx.raw(
    `insert into import_records (run_id, entity, record_id, line, action, previous, applied, linked_dms_id)
     select :run_id, :entity, record_id, line,
       case when is_new then 'added' when applied is not null then 'updated' else 'unchanged' end,
       previous, applied, case when has_link then null else dms_id end
     from ${table} s where ${resolved}`,
    bind,
  );

  const counts = await trx.raw(
    `select count(*) filter (where is_new)::int as added,
            count(*) filter (where not is_new and applied is not null)::int as updated,
            count(*) filter (where not is_new and applied is null)::int as unchanged
     from ${table} s where ${resolved}`,
  );
  Object.assign(outcome, counts.rows[0]);
  const fields = await trx.raw(`select key, count(*)::int as n from ${table} s, jsonb_object_keys(s.applied) key where s.applied is not null group by key`);
  const fieldOf = new Map(spec.columns.map((c) => [c.column, c.field]));
  for (const { key, n } of fields.rows as { key: string; n: number }[]) {
    if (key === 'phone_normalized' || key === 'plate_normalized') continue;
    const field = key === 'customer_id' ? 'customer_dms_id' : (fieldOf.get(key) ?? key);
    outcome.updatedFields[field] = (outcome.updatedFields[field] ?? 0) + n;
  }
  const refused = await trx.raw(`select ord, dup_line, fail from ${table} where dup_line is not null or fail is not null order by ord`);
  for (const { ord, dup_line, fail } of refused.rows as { ord: number; dup_line: number | null; fail: string | null }[]) {
    const row = rows[ord]!;
    const reason: RowReason = fail ? (fail as RowReason) : 'duplicateInFile';
    const vehicleRow = row.value as DmsVehicleInput;
    const [field, value] =
      fail === 'unknownCustomer'
        ? ['customer_dms_id', vehicleRow.customer_dms_id]
        : fail === 'belongsToOtherVehicle'
          ? [vehicleRow.vin ? 'vin' : 'plate', vehicleRow.vin ?? vehicleRow.plate]
          : ['dms_id', row.value.dms_id];
    outcome.errors.push({
      line: row.line,
      column: context.headers[field] ?? null,
      reason,
      detail: fail ? String(value ?? '') : `${String(value ?? '')} (line ${dup_line})`,
      ...(row.raw !== undefined ? { raw: row.raw } : {}),
    });
  }
  return outcome;
}

/** A parsed batch of a DMS file (lib/csv/read.ts) merged, answered as db/imports.ts writeImportBatch takes it. */
export async function mergeDmsCsvBatch(trx: Knex.Transaction, kind: DmsKind, context: MergeContext, batch: CsvBatch<unknown>) {
  const rows = batch.rows.map((row) => ({ line: row.line, raw: row.raw, value: row.value as DmsCustomerInput | DmsVehicleInput }));
  const outcome = await mergeDmsBatch(trx, kind, context, rows);
  return { counts: { added: outcome.added, updated: outcome.updated, unchanged: outcome.unchanged, skipped: 0 }, errors: outcome.errors, result: outcome };
}

/** Another writer created a record of the batch meanwhile: the batch rolls back and is retried. */
export class DmsMergeConflict extends Error {
  override readonly name = 'DmsMergeConflict';
}
