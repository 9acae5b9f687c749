import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DateOrderEvidence, parseDate } from './dates';
import { decodeText, detectEncoding, type Encoding } from './decode';
import { headerKey } from './headers';
import { parseDecimal } from './numbers';
import { detectSeparator, separators } from './separator';

async function* chunked(buffer: Buffer, size: number) {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

const validUtf8 = (bytes: Buffer) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

const cell = fc.stringMatching(/^[A-Za-zÀ-ÿ0-9 .,;\t"\n-]{0,12}$/);
const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

describe('CSV rules (property-based)', () => {
  it('decode: any text encoded as UTF-8 (with or without BOM), UTF-16 with a BOM or Windows-1252 is detected and decoded back', async () => {
    const latin = fc.stringMatching(/^[ -~À-ÿ€\n]{1,60}$/);
    await fc.assert(
      fc.asyncProperty(latin, fc.constantFrom<[Encoding, boolean]>(['utf-8', false], ['utf-8', true], ['utf-16le', true], ['utf-16be', true], ['windows-1252', false]), fc.integer({ min: 1, max: 9 }), async (text, [encoding, bom], size) => {
        const body = iconv.encode(text, encoding);
        const marks: Record<string, number[]> = { 'utf-8': [0xef, 0xbb, 0xbf], 'utf-16le': [0xff, 0xfe], 'utf-16be': [0xfe, 0xff] };
        const file = bom ? Buffer.concat([Buffer.from(marks[encoding]!), body]) : body;
        const detected = await detectEncoding(chunked(file, size));
        // Windows-1252 bytes that happen to be valid UTF-8 (ASCII, or "Â€") are read as UTF-8: the rule says so.
        const expected = encoding === 'windows-1252' && validUtf8(body) ? 'utf-8' : encoding;
        expect(detected).toEqual({ encoding: expected, bom });
        if (expected === encoding) expect(decodeText(file, detected.encoding)).toBe(text);
      }),
    );
  });

  it('separator: a table of any shape written with comma, semicolon or tab (quoting what needs it) is read with that separator', () => {
    fc.assert(
      fc.property(fc.constantFrom(...separators), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 5 }), fc.array(cell, { minLength: 60, maxLength: 60 }), (separator, columns, rows, cells) => {
        const header = Array.from({ length: columns }, (_, i) => `column ${i}`);
        const lines = [header, ...Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => cells[(r * columns + c) % cells.length]!))];
        const text = lines.map((line) => line.map((value) => (/[",;\t\n]/.test(value) ? quote(value) : value)).join(separator)).join('\n');
        expect(detectSeparator(text)).toBe(separator);
      }),
    );
  });

  it('dates: a date written day-first or month-first is read back with the order its column decides; ISO and dotted always', () => {
    const day = fc.date({ min: new Date('1990-01-01'), max: new Date('2100-12-31'), noInvalidDate: true });
    fc.assert(
      fc.property(fc.array(day, { minLength: 1, maxLength: 30 }), fc.constantFrom('dmy', 'mdy'), fc.constantFrom('/', '-'), (dates, order, mark) => {
        const pad = (n: number) => String(n).padStart(2, '0');
        const written = dates.map((d) => {
          const [dd, mm, yyyy] = [pad(d.getUTCDate()), pad(d.getUTCMonth() + 1), d.getUTCFullYear()];
          return order === 'dmy' ? `${dd}${mark}${mm}${mark}${yyyy}` : `${mm}${mark}${dd}${mark}${yyyy}`;
        });
        const evidence = new DateOrderEvidence();
        written.forEach((value) => evidence.add(value));
        const decided = evidence.decide();
        const telling = dates.some((d) => d.getUTCDate() > 12);
        if (telling) expect(decided).toBe(order);
        else expect(decided === 'ambiguous' || dates.every((d) => d.getUTCDate() === d.getUTCMonth() + 1)).toBe(true);
        dates.forEach((d, i) => {
          const expected = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
          expect(parseDate(written[i]!, order)).toEqual(expected);
          expect(parseDate(d.toISOString().slice(0, 10), 'mdy')).toEqual(expected);
          expect(parseDate(`${pad(expected.day)}.${pad(expected.month)}.${expected.year}`, 'mdy')).toEqual(expected);
        });
      }),
    );
  });

  it('dates: impossible days and times are none', () => {
    expect(parseDate('31/02/2026', 'dmy')).toBeUndefined();
    expect(parseDate('29/02/2028', 'dmy')).toEqual({ year: 2028, month: 2, day: 29 });
    expect(parseDate('2026-12-03 24:00', 'dmy')).toBeUndefined();
    expect(parseDate('03.12.2026 08:30', 'mdy')).toEqual({ year: 2026, month: 12, day: 3, hour: 8, minute: 30 });
  });

  it('decimals: any amount written with a decimal comma or point, with or without thousands groups, reads back', () => {
    fc.assert(
      fc.property(fc.integer({ min: -9_999_999, max: 9_999_999 }), fc.integer({ min: 1, max: 99 }), fc.constantFrom(',', '.'), fc.boolean(), (whole, cents, mark, grouped) => {
        const group = mark === ',' ? '.' : ',';
        const digits = String(Math.abs(whole));
        const body = grouped ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, group) : digits;
        const written = `${whole < 0 ? '-' : ''}${body}${mark}${String(cents).padStart(2, '0')}`;
        const expected = Math.sign(whole || 1) * (Math.abs(whole) + cents / 100);
        expect(parseDecimal(written, mark)).toBeCloseTo(expected, 6);
        if (grouped && digits.length > 3) expect(parseDecimal(written, 'auto')).toBeCloseTo(expected, 6);
      }),
    );
    expect(parseDecimal('12,5')).toBe(12.5);
    expect(parseDecimal('abc')).toBeUndefined();
    expect(parseDecimal('1,2,3')).toBeUndefined();
  });

  it('headers compare without case, accents, spaces or punctuation', () => {
    expect(headerKey(" N° d'Immatriculation ")).toBe(headerKey('N d immatriculation'));
    expect(headerKey('Kennzeichen')).toBe('kennzeichen');
  });
});
