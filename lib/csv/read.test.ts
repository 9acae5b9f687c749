import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CsvFileError, type RowError } from './errors';
import type { FieldSpec } from './headers';
import { csvBatches, inspectCsv, type CsvOptions, type OpenBytes } from './read';

const fields: FieldSpec[] = [
  { name: 'id', type: 'text', aliases: ['nummer', 'numéro'], required: true },
  { name: 'date', type: 'date', aliases: ['datum'], required: true },
  { name: 'amount', type: 'decimal', aliases: ['bedrag'] },
  { name: 'note', type: 'text', aliases: ['opmerking'] },
];
const schema = z.object({
  id: z.string('required').regex(/^[0-9]+$/, 'invalid'),
  date: z.object({ year: z.number(), month: z.number(), day: z.number() }, 'required'),
  amount: z.number().optional(),
  note: z.string().max(20, 'tooLong').optional(),
});

/** The bytes in chunks of `size`, as a file read from disk would come. */
const bytes = (content: Uint8Array | string, size = 7): OpenBytes => {
  const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return async function* () {
    for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
  };
};

async function readAll(open: OpenBytes, options: CsvOptions = {}, afterLine?: number) {
  const layout = await inspectCsv(open, fields, options);
  const rows: { line: number; value: z.output<typeof schema> }[] = [];
  const errors: RowError[] = [];
  const lastLines: number[] = [];
  for await (const batch of csvBatches(open, layout, fields, schema, { batchSize: 2, afterLine })) {
    rows.push(...batch.rows);
    errors.push(...batch.errors);
    lastLines.push(batch.lastLine);
  }
  return { layout, rows, errors, lastLines };
}

async function fileError(open: OpenBytes, options: CsvOptions = {}): Promise<CsvFileError> {
  try {
    await readAll(open, options);
  } catch (error) {
    if (error instanceof CsvFileError) return error;
    throw error;
  }
  throw new Error('no file error');
}

describe('CSV pipeline (lib/csv)', () => {
  it('reads a Windows-1252 Excel export: semicolons, decimal commas, a quoted line break, CRLF, dates day-first', async () => {
    const text = 'Nummer;Datum;Bedrag;Opmerking\r\n1;03/12/2026;12,50;"Crème\r\nbrûlée"\r\n2;25/12/2026;1.234,5;\r\n';
    const { layout, rows, errors } = await readAll(bytes(iconv.encode(text, 'windows-1252')));
    expect(layout).toMatchObject({ encoding: 'windows-1252', separator: ';', lineBreak: '\r\n', headerRaw: 'Nummer;Datum;Bedrag;Opmerking', records: 2, dateOrders: { date: 'dmy' } });
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      { line: 2, value: { id: '1', date: { year: 2026, month: 12, day: 3 }, amount: 12.5, note: 'Crème\nbrûlée' }, raw: '1;03/12/2026;12,50;"Crème\nbrûlée"' },
      { line: 4, value: { id: '2', date: { year: 2026, month: 12, day: 25 }, amount: 1234.5 }, raw: '2;25/12/2026;1.234,5;' },
    ]);
  });

  it('reads UTF-16 LE with a BOM (Excel "Unicode text"), tab separated, and UTF-8 with a BOM', async () => {
    const text = 'numéro\tdatum\n7\t2026-12-03\n';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    expect((await readAll(bytes(utf16))).layout).toMatchObject({ encoding: 'utf-16le', bom: true, separator: '\t' });
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace(/\t/g, ','))]);
    const read = await readAll(bytes(utf8));
    expect(read.layout).toMatchObject({ encoding: 'utf-8', bom: true, separator: ',' });
    expect(read.rows[0]).toMatchObject({ line: 2, value: { id: '7' } });
  });

  it('reports a bad row by line and column and keeps the others; a wrong column count too', async () => {
    const { rows, errors } = await readAll(bytes('id,date,note\n1,2026-12-01,ok\nx,2026-12-02,ok\n3,2026-13-45,ok\n4,2026-12-04\n5,2026-12-05,ok\n'));
    expect(rows.map((row) => row.value.id)).toEqual(['1', '5']);
    expect(errors).toEqual([
      { line: 3, column: 'id', reason: 'invalid', raw: 'x,2026-12-02,ok' },
      { line: 4, column: 'date', reason: 'invalidDate', detail: '2026-13-45', raw: '3,2026-13-45,ok' },
      expect.objectContaining({ line: 5, column: null, reason: 'columnCount', raw: '4,2026-12-04' }),
    ]);
  });

  it('a row repeating an earlier one\'s key is reported, not imported twice, also when resumed after the first', async () => {
    const file = bytes('id,date\n1,2026-12-01\n2,2026-12-02\n1,2026-12-03\n');
    const layout = await inspectCsv(file, fields);
    for (const afterLine of [1, 2]) {
      const errors: RowError[] = [];
      const lines: number[] = [];
      for await (const batch of csvBatches(file, layout, fields, schema, { afterLine, uniqueField: 'id' })) {
        errors.push(...batch.errors);
        lines.push(...batch.rows.map((row) => row.line));
      }
      expect(lines).toEqual(afterLine === 1 ? [2, 3] : [3]);
      expect(errors).toEqual([{ line: 4, column: 'id', reason: 'duplicateInFile', detail: '1', raw: '1,2026-12-03' }]);
    }
  });

  it('resumes after a line: only the rows after it', async () => {
    const file = bytes('id,date\n1,2026-12-01\n2,2026-12-02\n3,2026-12-03\n4,2026-12-04\n5,2026-12-05\n');
    const all = await readAll(file);
    expect(all.lastLines).toEqual([3, 5, 6]);
    const resumed = await readAll(file, {}, 3);
    expect(resumed.rows.map((row) => row.line)).toEqual([4, 5, 6]);
  });
});

describe('CSV pipeline: a corpus of broken files gives clear errors, never a crash', () => {
  it('an empty file (0 bytes), blank lines only, a header only', async () => {
    expect((await fileError(bytes(''))).code).toBe('empty');
    expect((await fileError(bytes('\n\n\r\n'))).code).toBe('empty');
    expect((await fileError(bytes('id;date;note\r\n'))).code).toBe('noRows');
  });

  it('binary garbage: zero bytes, or random bytes without our columns', async () => {
    expect((await fileError(bytes(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0xff, 0x12])))).code).toBe('binary');
    const noise = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 255 + 1));
    expect(['missingColumns', 'unreadable', 'duplicateColumns']).toContain((await fileError(bytes(noise, 512))).code);
  });

  it('a missing required column names it; two columns for one field name both', async () => {
    const missing = await fileError(bytes('id;note\n1;x\n'));
    expect(missing).toMatchObject({ code: 'missingColumns', columns: ['date'] });
    const twice = await fileError(bytes('id;date;datum\n1;2026-12-01;2026-12-01\n'));
    expect(twice).toMatchObject({ code: 'duplicateColumns', columns: ['date', 'datum'] });
  });

  it('an unclosed quote stops at the record size limit; rows before it import, the error names its line', async () => {
    const { rows, errors } = await readAll(bytes(`id,date,note\n1,2026-12-01,ok\n2,2026-12-02,"never closed\n${'3,2026-12-03,x\n'.repeat(50)}`), { maxRecordBytes: 200 });
    expect(rows.map((row) => row.line)).toEqual([2]);
    expect(errors).toEqual([expect.objectContaining({ line: 3, column: null, reason: 'recordTooLarge' })]);
  });

  it('a file cut in the middle of a row: inside quotes, or a row short of its columns', async () => {
    const inQuotes = await readAll(bytes('id,date,note\n1,2026-12-01,ok\n2,2026-12-02,"cut he'));
    expect(inQuotes.rows.map((row) => row.line)).toEqual([2]);
    expect(inQuotes.errors).toEqual([expect.objectContaining({ line: 3, reason: 'unclosedQuote' })]);
    const short = await readAll(bytes('id,date,note\n1,2026-12-01,ok\n2,2026-1'));
    expect(short.errors).toEqual([expect.objectContaining({ line: 3, reason: 'columnCount' })]);
  });

  it('a 10 MB field is refused as too large, without reading it whole into one record; the rows after it are read (P9)', async () => {
    const big = Buffer.concat([Buffer.from('id,date,note\n1,2026-12-01,"'), Buffer.alloc(10 * 1024 * 1024, 0x61), Buffer.from('"\n2,2026-12-02,ok\n')]);
    const { rows, errors } = await readAll(bytes(big, 64 * 1024));
    expect(errors).toEqual([expect.objectContaining({ line: 2, reason: 'recordTooLarge' })]);
    expect(errors[0]!.raw).toHaveLength(1024 * 1024);
    expect(rows.map((row) => row.line)).toEqual([3]);
  });

  it('a stray quote inside a field is that row\'s error', async () => {
    const { rows, errors } = await readAll(bytes('id,date,note\n1,2026-12-01,ok\n2,2026-12-02,say "hi"\n3,2026-12-03,ok\n'));
    expect(rows.map((row) => row.line)).toEqual([2, 4]);
    expect(errors).toEqual([expect.objectContaining({ line: 3, reason: 'badQuote' })]);
  });

  it('a date column that reads both ways asks; the order given answers', async () => {
    const file = bytes('id;date\n1;03/04/2026\n2;05/06/2026\n');
    expect(await fileError(file)).toMatchObject({ code: 'ambiguousDates', columns: ['date'] });
    const { rows } = await readAll(file, { dateOrder: 'mdy' });
    expect(rows[0]!.value.date).toEqual({ year: 2026, month: 3, day: 4 });
    // One value over 12 decides the whole column.
    const decided = await readAll(bytes('id;date\n1;03/04/2026\n2;05/06/2026\n3;04/25/2026\n'));
    expect(decided.layout.dateOrders.date).toBe('mdy');
  });
});

describe('CSV pipeline: each row keeps its text as written (P9, the file of failing rows)', () => {
  it('the line break the file uses: LF, CRLF (also split between two chunks), a lone CR counts as CRLF', async () => {
    const lineBreakOf = async (text: string, size?: number) => (await inspectCsv(bytes(text, size), fields)).lineBreak;
    expect(await lineBreakOf('id,date\n1,2026-12-01\n')).toBe('\n');
    expect(await lineBreakOf('id,date\r\n1,2026-12-01\r\n')).toBe('\r\n');
    expect(await lineBreakOf('id,date\r\n1,2026-12-01\r\n', 8)).toBe('\r\n');
    expect(await lineBreakOf('id,date\r1,2026-12-01\r')).toBe('\r\n');
  });

  it('a refused row keeps all its text: a stray quote, a wrong column count, an unclosed quote after blank lines (placed on its own line)', async () => {
    const { rows, errors } = await readAll(bytes('id,date,note\r\n1,2026-12-01,say "hi" there\r\n2,2026-12-02\r\n3,2026-12-03,"a\r\nb"\r\n\r\n\r\n4,2026-12-04,"cut'));
    expect(rows).toEqual([{ line: 4, value: { id: '3', date: { year: 2026, month: 12, day: 3 }, note: 'a\nb' }, raw: '3,2026-12-03,"a\nb"' }]);
    expect(errors.map(({ line, reason, raw }) => ({ line, reason, raw }))).toEqual([
      { line: 2, reason: 'badQuote', raw: '1,2026-12-01,say "hi" there' },
      { line: 3, reason: 'columnCount', raw: '2,2026-12-02' },
      { line: 8, reason: 'unclosedQuote', raw: '4,2026-12-04,"cut' },
    ]);
  });

  it('a record over the limit that spans lines is stepped over: the lines after it keep their numbers, and an import resumes after it', async () => {
    const text = `id,date,note\n1,2026-12-01,ok\n2,2026-12-02,"${'long line\n'.repeat(40)}"\n3,2026-12-03,ok\n4,2026-12-04,ok\n`;
    const { rows, errors, lastLines } = await readAll(bytes(text, 13), { maxRecordBytes: 100 });
    expect(rows.map((row) => [row.line, row.value.id])).toEqual([[2, '1'], [44, '3'], [45, '4']]);
    expect(errors).toEqual([expect.objectContaining({ line: 3, reason: 'recordTooLarge', raw: `2,2026-12-02,"${'long line\n'.repeat(40)}`.slice(0, 100) })]);
    expect(lastLines).toEqual([43, 45]);
    const resumed = await readAll(bytes(text, 13), { maxRecordBytes: 100 }, 43);
    expect(resumed.rows.map((row) => row.line)).toEqual([44, 45]);
    expect(resumed.errors).toEqual([]);
  });
});
