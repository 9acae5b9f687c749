import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkVin, normalizeVin, vinCheckDigit } from './vin';

const vinCharacters = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
const vinCharacter = fc.constantFrom(...vinCharacters);
/** What a character counts for in the check digit, from 49 CFR 565.15's table (written out again here as the test's own oracle). */
const valueOf = (character: string) => Number('12345678123457923456789'['ABCDEFGHJKLMNPRSTUVWXYZ'.indexOf(character)] ?? character);

/** A VIN with the check digit its body asks for, starting with `first`. */
const withCheckDigit = (first: string, body: string[]) => {
  const vin = [first, ...body.slice(0, 16)];
  vin[8] = '0';
  vin[8] = vinCheckDigit(vin.join(''));
  return vin.join('');
};
const northAmerican = fc.tuple(fc.constantFrom('1', '2', '3', '4', '5', 'L'), fc.array(vinCharacter, { minLength: 16, maxLength: 16 })).map(([first, body]) => withCheckDigit(first, body));

describe('VINs (lib/vin.ts)', () => {
  it('reads real VINs: North American ones by their check digit, European ones by their shape only', () => {
    expect(checkVin('1M8GDM9AXKP042788')).toEqual({ ok: true, vin: '1M8GDM9AXKP042788' }); // 49 CFR 565's own example, check digit X
    expect(checkVin('1HGCM82633A004352')).toEqual({ ok: true, vin: '1HGCM82633A004352' });
    expect(checkVin('1HGCM82643A004352')).toEqual({ ok: false, reason: 'vinCheckDigit' });
    expect(checkVin('LSVAU033512345678')).toEqual({ ok: false, reason: 'vinCheckDigit' });
    expect(checkVin('LSVAU033612345678')).toEqual({ ok: true, vin: 'LSVAU033612345678' });
    // Volkswagen writes Z in position 9: Europe has no check digit.
    expect(checkVin('wvw-zzz 1kz aw000123')).toEqual({ ok: true, vin: 'WVWZZZ1KZAW000123' });
  });

  it('refuses what is no VIN: the wrong length, I, O or Q, other characters', () => {
    for (const text of ['', 'WVWZZZ1KZAW00012', 'WVWZZZ1KZAW0001234', 'WVWZZZ1KZAW00012I', 'WVWZZZ1KZAW00012O', 'QVWZZZ1KZAW000123', 'WVWZZZ1KZAW00012_']) {
      expect(checkVin(text), text).toEqual({ ok: false, reason: 'invalidVin' });
    }
  });

  it('normalises as printed and copied: full-width characters, non-breaking spaces, dashes of any kind', () => {
    expect(normalizeVin('ｗｖｗ\u00a0zzz\u20111kz–aw000123')).toBe('WVWZZZ1KZAW000123');
    expect(normalizeVin(undefined)).toBe('');
  });

  it('property: a VIN with its check digit passes however it is spaced or cased', () => {
    fc.assert(
      fc.property(northAmerican, fc.array(fc.constantFrom(' ', '-', ''), { minLength: 17, maxLength: 17 }), fc.boolean(), (vin, gaps, lower) => {
        const written = [...vin].map((character, i) => character + gaps[i]).join('');
        expect(checkVin(lower ? written.toLowerCase() : written)).toEqual({ ok: true, vin });
      }),
    );
  });

  it('property: a North American or Chinese VIN with any one character changed fails (unless the new one counts the same)', () => {
    fc.assert(
      fc.property(northAmerican, fc.integer({ min: 1, max: 16 }), fc.constantFrom(...vinCharacters, 'I', 'O', 'Q', 'i', '*'), (vin, position, character) => {
        const changed = vin.slice(0, position) + character + vin.slice(position + 1);
        // Two characters of one value (A and J, 1 and A...) leave the sum as it was: no check digit can tell them apart.
        fc.pre(character !== vin[position] && (position === 8 || valueOf(character) !== valueOf(vin[position]!)));
        expect(checkVin(changed).ok).toBe(false);
      }),
    );
  });

  it('property: a European VIN (first character not 1-5 or L) passes with any character in position 9', () => {
    const european = fc.tuple(fc.constantFrom(...'ABCDEFGHJKMNPRSTUVWXYZ6789'), fc.array(vinCharacter, { minLength: 16, maxLength: 16 })).map(([first, body]) => first + body.join(''));
    fc.assert(
      fc.property(european, (vin) => {
        expect(checkVin(vin)).toEqual({ ok: true, vin });
      }),
    );
  });
});
