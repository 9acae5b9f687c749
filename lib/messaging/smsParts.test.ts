import { describe, expect, it } from 'vitest';
import { smsParts } from './smsParts';

describe('SMS parts', () => {
  it('counts the GSM alphabet at 160 per SMS and 153 per part, extension characters double', () => {
    expect(smsParts('a'.repeat(160))).toEqual({ characters: 160, parts: 1, unicode: false });
    expect(smsParts('a'.repeat(161))).toEqual({ characters: 161, parts: 2, unicode: false });
    expect(smsParts('é'.repeat(306))).toEqual({ characters: 306, parts: 2, unicode: false });
    expect(smsParts('€'.repeat(80))).toEqual({ characters: 160, parts: 1, unicode: false });
  });

  it('switches to UCS-2 (70, then 67 per part) for one character outside it', () => {
    expect(smsParts(`${'a'.repeat(69)}ê`)).toEqual({ characters: 70, parts: 1, unicode: true });
    expect(smsParts(`${'a'.repeat(70)}ê`)).toEqual({ characters: 71, parts: 2, unicode: true });
  });
});
