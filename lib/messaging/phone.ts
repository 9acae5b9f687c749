import { MessageRejectedError } from './sender';

/**
 * A phone number as customers type it ("0470 12 34 56", "+32 (0)470/12.34.56",
 * "0032 470 123456") in E.164 ("+32470123456"). A national number (leading 0)
 * gets the default country code. Anything that cannot be a phone number is
 * refused for good: sending it again would not make it one.
 */
export function toE164(typed: string, defaultCountryCode: string): string {
  // Belgian and Dutch habit: "+32 (0)470 …" — the (0) is dialled only from inside the country.
  const compact = typed.trim().replace(/\(0\)/g, '').replace(/[\s./()\-\u00a0]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (compact.startsWith('0')) digits = defaultCountryCode + compact.slice(1);
  else throw new MessageRejectedError(`"${typed}" is not a phone number: use a national number starting with 0 or an international one starting with +`);
  // E.164: a country code that does not start with 0, at most 15 digits in all.
  if (!/^[1-9][0-9]{7,14}$/.test(digits)) throw new MessageRejectedError(`"${typed}" is not a phone number`);
  return `+${digits}`;
}
