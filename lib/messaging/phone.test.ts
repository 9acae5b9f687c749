import { describe, expect, it } from 'vitest';
import { toE164 } from './phone';
import { MessageRejectedError } from './sender';

describe('phone numbers in E.164', () => {
  it('reads the ways Belgian, Dutch, French and German customers type them', () => {
    expect(toE164('0470 12 34 56', '32')).toBe('+32470123456');
    expect(toE164('0470/12.34.56', '32')).toBe('+32470123456');
    expect(toE164('+32 (0)470 12 34 56', '32')).toBe('+32470123456');
    expect(toE164('0032 470 12 34 56', '32')).toBe('+32470123456');
    expect(toE164('+31 6 1234 5678', '32')).toBe('+31612345678');
    expect(toE164('06-12345678', '31')).toBe('+31612345678');
    expect(toE164('+33 6 12 34 56 78', '32')).toBe('+33612345678');
    expect(toE164('0171 1234567', '49')).toBe('+491711234567');
  });

  it('refuses what cannot be a phone number, for good', () => {
    for (const typed of ['', 'geen gsm', '12345', '+32 470 12 34 56 78 90 12', '470123456', '+0470123456', '0470-12-AB-56']) {
      expect(() => toE164(typed, '32'), typed).toThrow(MessageRejectedError);
    }
  });
});
