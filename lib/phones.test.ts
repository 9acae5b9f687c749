import { describe, expect, it } from 'vitest';
import { defaultPhoneRegion, isPhoneRegion, normalizePhone } from './phones';

describe('the phone rule (lib/phones.ts)', () => {
  it('reads one number in every notation as the same E.164 value', () => {
    const notations = ['+32 470 12 34 56', '0470/12.34.56', '0032470123456', '0470123456', '00 32 470 12 34 56'];
    expect(new Set(notations.map((n) => normalizePhone(n, 'BE')))).toEqual(new Set(['+32470123456']));
  });

  it('reads national numbers in the region given, international ones whatever the region', () => {
    expect(normalizePhone('06 12345678', 'NL')).toBe('+31612345678');
    expect(normalizePhone('0470 12 34 56', 'NL')).not.toBe('+32470123456');
    expect(normalizePhone('+32 470 12 34 56', 'DE')).toBe('+32470123456');
  });

  it('gives nothing for text that is no possible phone number', () => {
    for (const garbage of ['', '   ', 'garbage', 'call me', '12', '+', '0470', '+32 470 12 34 56 78 90 12']) {
      expect(normalizePhone(garbage, 'BE')).toBe('');
    }
  });

  it('takes the region from DEFAULT_PHONE_REGION, Belgium when unset or unknown', () => {
    expect(defaultPhoneRegion({})).toBe('BE');
    expect(defaultPhoneRegion({ DEFAULT_PHONE_REGION: 'nl' })).toBe('NL');
    expect(defaultPhoneRegion({ DEFAULT_PHONE_REGION: 'XX' })).toBe('BE');
    expect(isPhoneRegion('FR')).toBe(true);
    expect(isPhoneRegion('Belgium')).toBe(false);
  });
});
