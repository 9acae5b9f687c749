/**
 * THE VIN rule (D5): how a vehicle identification number is spelled and when
 * one is refused. Every writer and the vehicle master (db/vehicles.ts) use
 * the same spelling, so "wvw-zzz 1jz xw000001" typed in a job finds the
 * vehicle a DMS file brought in as "WVWZZZ1JZXW000001".
 */

/** Upper case, without spaces or dashes (as VINs are printed and copied); '' for nothing. */
export function normalizeVin(vin: string | undefined): string {
  return (vin ?? '').normalize('NFKC').toUpperCase().replace(/[\s\p{Pd}]+/gu, '');
}

/** 17 characters; I, O and Q are never used (they read as 1 and 0). */
const vinShape = /^[A-HJ-NPR-Z0-9]{17}$/;

/** ISO 3779 / 49 CFR 565.15: the weight of each position; the check digit's own (position 9) is 0. */
const weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** The letters' values (49 CFR 565.15 table): A-H 1-8, J-N 1-5, P 7, R 9, S-Z 2-9; digits are themselves. */
const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const letterValues = '12345678123457923456789';
const transliterate = (character: string) => Number(letterValues[letters.indexOf(character)] ?? character);

/** The check digit a VIN of the right shape must carry in position 9: the weighted sum modulo 11, 10 written X. */
export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += transliterate(vin[i]!) * weights[i]!;
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

/**
 * Whether the check digit is mandatory: in North America (first character
 * 1-5) and China (L). European manufacturers put any character there, so a
 * check there would refuse real cars.
 */
export function vinHasCheckDigit(vin: string): boolean {
  return /^[1-5L]/.test(vin);
}

export type VinCheck = { ok: true; vin: string } | { ok: false; reason: 'invalidVin' | 'vinCheckDigit' };

/** A typed or imported VIN, normalised, or why it is none (the reason codes are imports.reasons.<code>). */
export function checkVin(text: string): VinCheck {
  const vin = normalizeVin(text);
  if (!vinShape.test(vin)) return { ok: false, reason: 'invalidVin' };
  if (vinHasCheckDigit(vin) && vin[8] !== vinCheckDigit(vin)) return { ok: false, reason: 'vinCheckDigit' };
  return { ok: true, vin };
}
