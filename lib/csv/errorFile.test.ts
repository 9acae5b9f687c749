import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Encoding } from './decode';
import { errorCsv } from './errorFile';
import type { FieldSpec } from './headers';
import { csvBatches, inspectCsv, type CsvRow, type OpenBytes } from './read';
import { separators } from './separator';

const fields: FieldSpec[] = [
  { name: 'id', type: 'text', aliases: [], required: true },
  { name: 'name', type: 'text', aliases: [] },
  { name: 'note', type: 'text', aliases: [] },
];
const schema = z.object({ id: z.string(), name: z.string().optional(), note: z.string().optional() });

const bytes = (buffer: Buffer, size: number): OpenBytes => async function* () {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
};

async function readRows(open: OpenBytes) {
  const layout = await inspectCsv(open, fields);
  const rows: CsvRow<z.output<typeof schema>>[] = [];
  for await (const batch of csvBatches(open, layout, fields, schema, { batchSize: 3 })) {
    expect(batch.errors).toEqual([]);
    rows.push(...batch.rows);
  }
  return { layout, rows };
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

const boms: Record<string, Buffer> = { 'utf-8': Buffer.from([0xef, 0xbb, 0xbf]), 'utf-16le': Buffer.from([0xff, 0xfe]), 'utf-16be': Buffer.from([0xfe, 0xff]) };
/** Cells with what makes CSV hard: separators, quotes and line breaks inside (quoted), accents for the 8-bit encoding. */
const cell = fc.stringMatching(/^[A-Za-zÀ-ÿ0-9 .,;\t"\n-]{0,10}$/);
const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

describe('the file of failing rows (lib/csv/errorFile.ts)', () => {
  it('property: the raws of any subset of rows, written back, re-read to exactly those rows, and are the original bytes of those lines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<[Encoding, boolean]>(['utf-8', false], ['utf-8', true], ['utf-16le', true], ['utf-16be', true], ['windows-1252', false]),
        fc.constantFrom(...separators),
        fc.constantFrom('\r\n', '\n'),
        fc.array(fc.tuple(cell, cell, fc.boolean()), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 50 }),
        async ([encoding, bom], separator, lineBreak, table, chunkSize) => {
          const write = (values: string[]) => values.map((value) => (/[",;\t\n]/.test(value) || value !== value.trim() ? quote(value) : value)).join(separator).replace(/\n/g, lineBreak);
          const header = write(['id', 'name', 'note']);
          const lines = table.map(([name, note], i) => write([`r${i}`, name, note]));
          const encoded = (text: string, withBom: boolean) => Buffer.concat([withBom ? boms[encoding]! : Buffer.alloc(0), iconv.encode(text, encoding)]);
          const file = encoded([header, ...lines].map((line) => line + lineBreak).join(''), bom);

          const { layout, rows } = await readRows(bytes(file, chunkSize));
          expect(rows.map((row) => row.value.id)).toEqual(table.map((_, i) => `r${i}`));
          const chosen = rows.filter((_, i) => table[i]![2]);
          const written = await collect(errorCsv(layout, chosen.map((row) => row.raw)));

          const expectedText = [header, ...lines.filter((_, i) => table[i]![2])].map((line) => line + lineBreak).join('');
          // Windows-1252 that is ASCII only reads as UTF-8: the same bytes.
          expect(written.equals(encoded(expectedText, bom))).toBe(true);
          if (chosen.length === 0) return;
          const reread = await readRows(bytes(written, chunkSize));
          expect(reread.rows.map((row) => [row.value, row.raw])).toEqual(chosen.map((row) => [row.value, row.raw]));
          // (the encoding is in the bytes compared above; Windows-1252 rows without accents read back as UTF-8)
          expect(reread.layout).toMatchObject({ bom, separator, lineBreak, headerRaw: layout.headerRaw });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('an async source of raws, a report larger than one chunk: one BOM, every row', async () => {
    const layout = { encoding: 'utf-16le' as const, bom: true, lineBreak: '\r\n' as const, headerRaw: 'id;note' };
    async function* raws() {
      for (let i = 0; i < 5000; i++) yield `${i};"two\nlines é"`;
    }
    const written = await collect(errorCsv(layout, raws()));
    expect(written.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    const text = iconv.decode(written.subarray(2), 'utf-16le');
    expect(text.startsWith('\uFEFF')).toBe(false);
    expect(text.split('\r\n')).toHaveLength(1 + 5000 * 2 + 1);
  });
});
