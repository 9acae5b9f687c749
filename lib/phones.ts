import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** The region national numbers are read in when nothing else tells (DEFAULT_PHONE_REGION, lib/config.ts). */
export const fallbackPhoneRegion: CountryCode = 'BE';

/** Whether `region` is a region libphonenumber-js knows (ISO 3166 alpha-2, upper case: BE, NL, FR, DE). */
export function isPhoneRegion(region: string): region is CountryCode {
  return /^[A-Z]{2}$/.test(region) && isSupportedCountry(region);
}

/**
 * The region of this deployment: DEFAULT_PHONE_REGION as lib/config.ts
 * validated it at start-up (a bad value stops the process there), so db/
 * modules need not carry the configuration around.
 */
export function defaultPhoneRegion(env: NodeJS.ProcessEnv = process.env): CountryCode {
  const region = (env.DEFAULT_PHONE_REGION ?? '').trim().toUpperCase();
  return isPhoneRegion(region) ? region : fallbackPhoneRegion;
}

/**
 * THE phone rule: a number in any notation ("+32 470 12 34 56",
 * "0470/12.34.56", "0032470123456") as E.164 ("+32470123456"), national
 * numbers read in `region`; '' when the text is not a possible phone number.
 * Customers match on this value (customers.phone_normalized).
 */
export function normalizePhone(text: string, region: CountryCode = defaultPhoneRegion()): string {
  const trimmed = text.normalize('NFKC').trim();
  if (!/\d/.test(trimmed)) return '';
  const parsed = parsePhoneNumberFromString(trimmed, region);
  return parsed?.isPossible() ? parsed.number : '';
}
