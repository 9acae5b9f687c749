import { Readable, pipeline } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import type { z } from 'zod';
import { DateOrderEvidence, parseDate, parseTime, type DateOrder } from './dates';
import { decodeToText, detectEncoding, type Encoding, type LineBreak } from './decode';
import { CsvFileError, type RowError, type RowReason } from './errors';
import { mapHeaders, type FieldSpec, type HeaderMapping } from './headers';
import { parseDecimal, type DecimalMark } from './numbers';
import { guardRecords, type RecordText } from './records';
import { detectSeparator, type Separator } from './separator';

/**
 * The CSV pipeline shared by every file import (D5: planner appointments,
 * DMS customers and vehicles): bytes → text (lib/csv/decode.ts) → records
 * (csv-parse, streaming, with a limit on a record's size so an unclosed
 * quote cannot swallow the file) → typed fields (dates, times, decimals) →
 * a zod schema per row → batches. The file is read twice, never held: once
 * to learn its layout (encoding, separator, columns, date order, rows),
 * once to yield the batches, from any line on (a resumed import). Each row
 * and each row's error keeps its original text, so the rows that failed can
 * be handed back as the file they came in (lib/csv/errorFile.ts).
 */

/** Opens the file's bytes afresh; called once per pass. */
export type OpenBytes = () => AsyncIterable<Uint8Array>;

/** What the user (or the source's saved settings) decided; 'auto' (the default) detects it. */
export interface CsvOptions {
  encoding?: Encoding | 'auto';
  separator?: Separator | 'auto';
  dateOrder?: DateOrder | 'auto';
  decimalMark?: DecimalMark;
  /** field name → header chosen by the user, beside the aliases */
  headers?: Record<string, string>;
  /** a record (one row, with quoted line breaks) larger than this is refused: 1 MiB by default */
  maxRecordBytes?: number;
}

export interface CsvLayout {
  encoding: Encoding;
  bom: boolean;
  separator: Separator;
  /** the file's first line break as written (CRLF when it has none) */
  lineBreak: LineBreak;
  /** the header record as written (LF line breaks) */
  headerRaw: string;
  decimalMark: DecimalMark;
  mapping: HeaderMapping;
  /** the order of each date field's column */
  dateOrders: Record<string, DateOrder>;
  /** data records (rows after the header, blank ones not counted) */
  records: number;
  maxRecordBytes: number;
}

export interface CsvRow<T> {
  /** the file's line where the row starts */
  line: number;
  value: T;
  /** the record as written (LF line breaks, without the line break that ends it) */
  raw: string;
}

export interface CsvBatch<T> {
  rows: CsvRow<T>[];
  errors: RowError[];
  /** the last line this batch covers: resuming after it reads the next batch */
  lastLine: number;
}

const defaultMaxRecordBytes = 1024 * 1024;
const sampleChars = 64 * 1024;

interface ParsedRecord {
  kind: 'record';
  line: number;
  endLine: number;
  fields: string[];
  raw: string;
}
interface SkippedRecord {
  kind: 'skipped';
  error: RowError;
  endLine: number;
}

const newlines = (text: string) => {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

/** The line a record starts on, from the line it ends on and its raw text (blank lines before it included, one line break after). */
function startLine(endLine: number, raw: string | undefined): number {
  if (!raw) return endLine;
  const body = raw.replace(/^\n+/, '').replace(/\n$/, '');
  return endLine - newlines(body);
}

function reasonOf(code: string): RowReason {
  switch (code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return 'columnCount';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'unclosedQuote';
    case 'CSV_MAX_RECORD_SIZE':
      return 'recordTooLarge';
    default:
      return 'badQuote';
  }
}

/** Text chunks of the file, decoded, with the first `sampleChars` gathered in one piece for separator detection. */
async function* textOf(open: OpenBytes, encoding: Encoding, sawLineBreak: (lineBreak: LineBreak) => void): AsyncGenerator<string> {
  const [decoder, lineBreaks] = decodeToText(encoding, sawLineBreak);
  // pipeline (not pipe): a read error of the file ends the iteration with that error instead of a silent stop.
  const text = pipeline(Readable.from(open()), decoder, lineBreaks, () => undefined);
  for await (const chunk of text) yield chunk as string;
}

/** The record text as lib/csv/records.ts cut it, for the parser's records and refusals, which come in the same order. */
class RecordTexts {
  private queue: RecordText[] = [];

  add(record: RecordText): void {
    this.queue.push(record);
  }

  /** The record that starts on `line` (or, for a refusal placed on a blank line before it, the next one), and those before it let go. */
  at(line: number, endLine: number = Number.POSITIVE_INFINITY): RecordText | undefined {
    while (this.queue.length > 0 && this.queue[0]!.endLine < line) this.queue.shift();
    const next = this.queue[0];
    return next && next.line <= endLine ? next : undefined;
  }
}

const capped = (raw: string, maxRecordBytes: number) => raw.replace(/^\n+/, '').replace(/\n$/, '').slice(0, maxRecordBytes);

export interface FileShape {
  separator: Separator;
  lineBreak: LineBreak;
}

/**
 * Every record of the file in order, the header first, with its start line
 * and text; records the parser refuses come as skipped ones with the reason.
 * Blank lines (and rows of empty fields only, as spreadsheets leave) are
 * passed over.
 */
async function* recordsOf(open: OpenBytes, encoding: Encoding, separatorChoice: Separator | 'auto', maxRecordBytes: number): AsyncGenerator<ParsedRecord | SkippedRecord, FileShape> {
  let lineBreak: LineBreak = '\r\n';
  const chunks = textOf(open, encoding, (seen) => {
    lineBreak = seen;
  });
  let sample = '';
  let next = await chunks.next();
  while (!next.done && sample.length < sampleChars) {
    sample += next.value;
    next = await chunks.next();
  }
  const separator = separatorChoice === 'auto' ? (detectSeparator(sample) ?? ',') : separatorChoice;
  async function* rest() {
    yield sample;
    while (!next.done) {
      yield next.value;
      next = await chunks.next();
    }
  }
  const skipped: SkippedRecord[] = [];
  // The guard reports an oversized record when it ends, ahead of the parser's refusals of earlier lines: kept in line order.
  const skip = (record: SkippedRecord) => {
    const at = skipped.findIndex((other) => other.error.line > record.error.line);
    skipped.splice(at < 0 ? skipped.length : at, 0, record);
  };
  const texts = new RecordTexts();
  const guarded = guardRecords(rest(), separator, maxRecordBytes, {
    record: (record) => texts.add(record),
    tooLarge: ({ line, endLine, raw }) =>
      skip({ kind: 'skipped', error: { line, column: null, reason: 'recordTooLarge', detail: `the record is larger than ${maxRecordBytes} characters`, raw }, endLine }),
  });
  let lastEnd = 0;
  let lastSkippedLine = 0;
  const parser = pipeline(
    Readable.from(guarded),
    parse({
      delimiter: separator,
      record_delimiter: '\n',
      relax_column_count: false,
      relax_quotes: false,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: maxRecordBytes,
      info: true,
      raw: true,
      // Called as each record is parsed (before it is read from the stream): where the last good one ended.
      on_record: (record: string[], context: Info) => {
        lastEnd = context.lines;
        return record;
      },
      on_skip: (error: CsvError | undefined) => {
        if (!error) return undefined;
        const details = error as CsvError & { lines?: number; raw?: string };
        const reason = reasonOf(error.code);
        // An unclosed quote or an oversized record is reported where it starts: after the last record read.
        const placed = reason === 'unclosedQuote' || reason === 'recordTooLarge' ? lastEnd + 1 : startLine(details.lines ?? lastEnd + 1, details.raw);
        const text = texts.at(placed, details.lines);
        const line = text?.line ?? placed;
        // The parser may refuse one record several times (each quote in it, each chunk past the size limit): one error.
        if (line === lastSkippedLine) return undefined;
        lastSkippedLine = line;
        const raw = text?.raw ?? capped(details.raw ?? '', maxRecordBytes);
        skip({ kind: 'skipped', error: { line, column: null, reason, detail: error.message.slice(0, 200), raw }, endLine: Math.max(line, text?.endLine ?? 0, details.lines ?? line) });
      },
    }),
    () => undefined,
  );
  const drainBefore = function* (line: number) {
    while (skipped.length > 0 && skipped[0]!.error.line < line) yield skipped.shift()!;
  };
  for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: Info; raw: string }>) {
    const line = startLine(info.lines, raw);
    yield* drainBefore(line);
    const text = texts.at(line, info.lines);
    if (record.every((field) => field.trim() === '')) continue;
    yield { kind: 'record', line, endLine: info.lines, fields: record, raw: text?.raw ?? capped(raw, maxRecordBytes) };
  }
  yield* drainBefore(Number.POSITIVE_INFINITY);
  return { separator, lineBreak };
}

/**
 * Reads the whole file once to learn how to read it: encoding, separator,
 * which column fills which field, each date column's order, how many rows.
 * Throws a CsvFileError when the file cannot be imported at all.
 */
export async function inspectCsv(open: OpenBytes, fields: FieldSpec[], options: CsvOptions = {}, progress?: (records: number) => void): Promise<CsvLayout> {
  const detected = await detectEncoding(open());
  const encoding = options.encoding && options.encoding !== 'auto' ? options.encoding : detected.encoding;
  const maxRecordBytes = options.maxRecordBytes ?? defaultMaxRecordBytes;
  const records = recordsOf(open, encoding, options.separator ?? 'auto', maxRecordBytes);
  let mapping: HeaderMapping | undefined;
  const dateFields = fields.filter((field) => field.type === 'date');
  const evidence = new Map(dateFields.map((field) => [field.name, new DateOrderEvidence()]));
  let count = 0;
  let sawAnything = false;
  let shape: FileShape = { separator: ',', lineBreak: '\r\n' };
  let headerRaw = '';
  for (;;) {
    const next = await records.next();
    if (next.done) {
      shape = next.value;
      break;
    }
    const record = next.value;
    sawAnything = true;
    if (record.kind === 'skipped') {
      if (!mapping) throw new CsvFileError('unreadable', `the header line cannot be read as CSV: ${record.error.detail ?? record.error.reason}`);
      count++; // a row all the same, reported when imported
      continue;
    }
    if (!mapping) {
      mapping = mapHeaders(record.fields.map((field) => field.trim()), fields, options.headers);
      headerRaw = record.raw;
      continue;
    }
    count++;
    if (progress && count % 10_000 === 0) progress(count);
    for (const [name, column] of evidence) column.add(record.fields[mapping.columns[name]!] ?? '');
  }
  if (!mapping) throw new CsvFileError(sawAnything ? 'unreadable' : 'empty', sawAnything ? 'the file holds no header line' : 'the file holds no lines');
  if (count === 0) throw new CsvFileError('noRows', 'the file holds a header but no rows', [], mapping.headers);
  const dateOrders: Record<string, DateOrder> = {};
  const ambiguous: string[] = [];
  for (const field of dateFields) {
    if (mapping.columns[field.name] === undefined) continue;
    const decided = options.dateOrder && options.dateOrder !== 'auto' ? options.dateOrder : evidence.get(field.name)!.decide();
    if (decided === 'ambiguous') ambiguous.push(mapping.headers[mapping.columns[field.name]!]!);
    else dateOrders[field.name] = decided;
  }
  if (ambiguous.length > 0) {
    throw new CsvFileError('ambiguousDates', `every date in ${ambiguous.join(', ')} reads both as day/month and month/day: say which order the file uses`, ambiguous, mapping.headers);
  }
  return { encoding, bom: detected.bom, separator: shape.separator, lineBreak: shape.lineBreak, headerRaw, decimalMark: options.decimalMark ?? 'auto', mapping, dateOrders, records: count, maxRecordBytes };
}

type Typed = Record<string, unknown>;

/** A record's fields as typed values by field name: empty text is absent; a value that is no date, time or number is an error. */
function typeRecord(record: ParsedRecord, fields: FieldSpec[], layout: CsvLayout): { value: Typed } | { error: RowError } {
  const value: Typed = {};
  for (const field of fields) {
    const index = layout.mapping.columns[field.name];
    if (index === undefined) continue;
    const text = (record.fields[index] ?? '').trim();
    if (text === '') continue;
    const column = layout.mapping.headers[index]!;
    const fail = (reason: RowReason) => ({ error: { line: record.line, column, reason, detail: text.slice(0, 100), raw: record.raw } });
    switch (field.type) {
      case 'text':
        value[field.name] = text;
        break;
      case 'date': {
        const date = parseDate(text, layout.dateOrders[field.name] ?? 'dmy');
        if (!date) return fail('invalidDate');
        value[field.name] = date;
        break;
      }
      case 'time': {
        const time = parseTime(text);
        if (!time) return fail('invalidTime');
        value[field.name] = time;
        break;
      }
      case 'decimal': {
        const number = parseDecimal(text, layout.decimalMark);
        if (number === undefined) return fail('invalidNumber');
        value[field.name] = number;
        break;
      }
    }
  }
  return { value };
}

/** zod issues as row errors: the issue's message is our reason code, its path the field, named by the file's header. */
function issuesToErrors(issues: z.core.$ZodIssue[], { line, raw }: ParsedRecord, layout: CsvLayout): RowError[] {
  return issues.map((issue) => {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    const index = field !== undefined ? layout.mapping.columns[field] : undefined;
    const reason = (issue.message || 'invalid') as RowReason;
    return { line, column: index !== undefined ? layout.mapping.headers[index]! : (field ?? null), reason, raw };
  });
}

/**
 * The file's rows after `afterLine`, typed and validated by `schema`, in
 * batches of `batchSize` rows: each batch has its good rows, its failing
 * rows' errors (line, column, reason), and the last line it covers, so an
 * import that commits batch by batch can resume after the last one. With
 * `uniqueField`, a row whose value there came before in the file is reported
 * (duplicateInFile), not imported twice.
 */
export async function* csvBatches<S extends z.ZodType>(
  open: OpenBytes,
  layout: CsvLayout,
  fields: FieldSpec[],
  schema: S,
  { afterLine = 1, batchSize = 500, uniqueField }: { afterLine?: number; batchSize?: number; uniqueField?: string } = {},
): AsyncGenerator<CsvBatch<z.output<S>>> {
  let batch: CsvBatch<z.output<S>> = { rows: [], errors: [], lastLine: afterLine };
  let header = true;
  // The keys met so far, from the first line on (also before afterLine), so a resumed import finds the same repeats.
  const seen = new Set<string>();
  const uniqueColumn = uniqueField !== undefined ? layout.mapping.columns[uniqueField] : undefined;
  for await (const record of recordsOf(open, layout.encoding, layout.separator, layout.maxRecordBytes)) {
    if (record.kind === 'record' && header) {
      header = false;
      continue;
    }
    let repeated = false;
    if (record.kind === 'record' && uniqueColumn !== undefined) {
      const key = (record.fields[uniqueColumn] ?? '').trim();
      repeated = key !== '' && seen.has(key);
      if (key !== '') seen.add(key);
    }
    if (record.endLine <= afterLine) continue;
    if (record.kind === 'skipped') {
      batch.errors.push(record.error);
    } else if (repeated) {
      const column = layout.mapping.headers[uniqueColumn!]!;
      batch.errors.push({ line: record.line, column, reason: 'duplicateInFile', detail: (record.fields[uniqueColumn!] ?? '').trim().slice(0, 100), raw: record.raw });
    } else {
      const typed = typeRecord(record, fields, layout);
      if ('error' in typed) batch.errors.push(typed.error);
      else {
        const parsed = schema.safeParse(typed.value);
        if (parsed.success) batch.rows.push({ line: record.line, value: parsed.data, raw: record.raw });
        else batch.errors.push(...issuesToErrors(parsed.error.issues, record, layout));
      }
    }
    batch.lastLine = Math.max(batch.lastLine, record.endLine);
    if (batch.rows.length + batch.errors.length >= batchSize) {
      yield batch;
      batch = { rows: [], errors: [], lastLine: batch.lastLine };
    }
  }
  if (batch.rows.length > 0 || batch.errors.length > 0) yield batch;
}
