import type { Knex } from 'knex';
import { separatorOfSetting, settingOfSeparator } from '../lib/csv/separator';
import type { CsvOptions } from '../lib/csv/read';

/**
 * P9: the DMS systems a company imports customers and vehicles from (an
 * admin keeps the list; an import that names none goes to "Default", made
 * the first time). Each source remembers how its files are read: what the
 * last import from it was read with, so the next file of that DMS maps
 * itself.
 */
export type DmsKind = 'customers' | 'vehicles';
export type DmsMode = 'supplement' | 'full';

export interface DmsSource {
  id: number;
  company_id: number;
  name: string;
  encoding: 'auto' | 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  separator: 'auto' | ',' | ';' | 'tab';
  decimal_mark: 'auto' | ',' | '.';
  date_order: 'auto' | 'dmy' | 'mdy';
  /** per kind: field name → the header an admin chose for it */
  mappings: Partial<Record<DmsKind, Record<string, string>>>;
}

export const defaultDmsSourceName = 'Default';

export class DmsSourceError extends Error {
  constructor(readonly code: 'nameTaken' | 'nameRequired' | 'inUse' | 'notFound') {
    super(`DMS source refused: ${code}`);
  }
}

/** The company's sources by name (none: the import form offers "Default"). */
export async function listDmsSources(db: Knex, companyId: number): Promise<DmsSource[]> {
  return db('dms_sources').where({ company_id: companyId }).orderByRaw('lower(name)');
}

export async function findDmsSource(db: Knex | Knex.Transaction, companyId: number, id: number): Promise<DmsSource | undefined> {
  return db('dms_sources').where({ company_id: companyId, id }).first();
}

/** The company's "Default" source, made the first time an import names none. */
export async function defaultDmsSource(db: Knex, companyId: number): Promise<DmsSource> {
  await db('dms_sources').insert({ company_id: companyId, name: defaultDmsSourceName }).onConflict(db.raw('(company_id, lower(name))')).ignore();
  return db('dms_sources').where({ company_id: companyId }).whereRaw('lower(name) = lower(?)', [defaultDmsSourceName]).first();
}

const cleanName = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ').slice(0, 100);

/** Adds a source (a DMS name, unique per company in any case); answers its id. */
export async function addDmsSource(db: Knex, companyId: number, name: string): Promise<number> {
  const clean = cleanName(name);
  if (!clean) throw new DmsSourceError('nameRequired');
  const [row] = await db('dms_sources').insert({ company_id: companyId, name: clean }).onConflict(db.raw('(company_id, lower(name))')).ignore().returning('id');
  if (!row) throw new DmsSourceError('nameTaken');
  return row.id;
}

export async function renameDmsSource(db: Knex, companyId: number, id: number, name: string): Promise<void> {
  const clean = cleanName(name);
  if (!clean) throw new DmsSourceError('nameRequired');
  const taken = await db('dms_sources').where({ company_id: companyId }).whereNot({ id }).whereRaw('lower(name) = lower(?)', [clean]).first('id');
  if (taken) throw new DmsSourceError('nameTaken');
  const changed = await db('dms_sources').where({ company_id: companyId, id }).update({ name: clean, updated_at: db.fn.now() });
  if (changed === 0) throw new DmsSourceError('notFound');
}

/** Removes a source no record and no import came from; one in use is refused (its records would lose where they came from). */
export async function deleteDmsSource(db: Knex, companyId: number, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const source = await trx('dms_sources').where({ company_id: companyId, id }).forUpdate().first('id');
    if (!source) throw new DmsSourceError('notFound');
    const used =
      (await trx('customer_dms_ids').where({ source_id: id }).first('dms_id')) ??
      (await trx('vehicle_dms_ids').where({ source_id: id }).first('dms_id')) ??
      (await trx('import_runs').where({ dms_source_id: id }).first('id'));
    if (used) throw new DmsSourceError('inUse');
    await trx('dms_sources').where({ id }).delete();
  });
}

/** How the source's files of this kind are read, as lib/csv/read.ts takes it. */
export function sourceCsvOptions(source: DmsSource, kind: DmsKind): CsvOptions {
  return {
    encoding: source.encoding,
    separator: separatorOfSetting(source.separator),
    decimalMark: source.decimal_mark,
    dateOrder: source.date_order,
    headers: source.mappings?.[kind] ?? {},
  };
}

/** Remembers what a file of this source was read with (after an admin fixed it in the preview), for its next file. */
export async function rememberCsvOptions(db: Knex | Knex.Transaction, sourceId: number, kind: DmsKind, options: CsvOptions): Promise<void> {
  const headers = JSON.stringify(options.headers ?? {});
  await db('dms_sources')
    .where({ id: sourceId })
    .update({
      encoding: options.encoding ?? 'auto',
      separator: settingOfSeparator(options.separator),
      decimal_mark: options.decimalMark ?? 'auto',
      date_order: options.dateOrder ?? 'auto',
      mappings: db.raw(`jsonb_set(mappings, ?::text[], ?::jsonb)`, [`{${kind}}`, headers]),
      updated_at: db.fn.now(),
    });
}
