import { CsvFileError } from './errors';

/** How a column's text becomes a value (lib/csv/read.ts). */
export type FieldType = 'text' | 'date' | 'time' | 'decimal';

/**
 * A field of ours a CSV column can fill: its name, its type, and the
 * headers exports use for it in English, Dutch, French and German (compared
 * without case, accents, spaces or punctuation).
 */
export interface FieldSpec {
  name: string;
  type: FieldType;
  aliases: string[];
  required?: boolean;
}

/** "Kenteken", "N° d'immatriculation " and "KENTEKEN" compare alike: no case, accents, spaces or punctuation. */
export function headerKey(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export interface HeaderMapping {
  /** field name → index of its column */
  columns: Record<string, number>;
  /** the file's headers, as written */
  headers: string[];
  /** headers no field takes (reported in the preview, ignored on import) */
  unused: string[];
}

/**
 * Which column fills which field: a chosen header (`chosen`, remembered per
 * source) first, then the field's own name and aliases. A required field
 * without a column, or two columns claiming one field, is a file error that
 * names them.
 */
export function mapHeaders(headers: string[], fields: FieldSpec[], chosen: Record<string, string> = {}): HeaderMapping {
  const keys = headers.map(headerKey);
  const columns: Record<string, number> = {};
  const duplicates: string[] = [];
  for (const field of fields) {
    const wanted = chosen[field.name] !== undefined ? [chosen[field.name]!] : [field.name, ...field.aliases];
    const wantedKeys = new Set(wanted.map(headerKey));
    // A column is one field's: the first field that names it takes it.
    const taken = new Set(Object.values(columns));
    const matches = keys.flatMap((key, index) => (key !== '' && wantedKeys.has(key) && !taken.has(index) ? [index] : []));
    if (matches.length > 1) duplicates.push(...matches.map((index) => headers[index]!));
    if (matches.length >= 1) columns[field.name] = matches[0]!;
  }
  if (duplicates.length > 0) {
    throw new CsvFileError('duplicateColumns', `several columns fill the same field: ${duplicates.join(', ')}`, duplicates, headers);
  }
  const missing = fields.filter((field) => field.required && columns[field.name] === undefined).map((field) => field.name);
  if (missing.length > 0) throw new CsvFileError('missingColumns', `no column for ${missing.join(', ')} (headers: ${headers.join(', ')})`, missing, headers);
  const taken = new Set(Object.values(columns));
  return { columns, headers, unused: headers.filter((_, index) => !taken.has(index)) };
}

/** Field name → the file's header that fills it (for a report's column). */
export function fieldHeaders(mapping: HeaderMapping): Record<string, string> {
  return Object.fromEntries(Object.entries(mapping.columns).map(([field, index]) => [field, mapping.headers[index]!]));
}
