import { describe, expect, it } from 'vitest';
import { isLinkToken, newLinkToken } from './tokens';

describe('newLinkToken', () => {
  it('gives 32 random bytes in base64url, never the same twice, across several draws from the random source', () => {
    const tokens = Array.from({ length: 1_000 }, () => newLinkToken());
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(isLinkToken(token)).toBe(true);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
    // No two tokens share a long run of bytes (a range handed out twice, or overlapping ranges, would).
    const heads = tokens.map((token) => Buffer.from(token, 'base64url').subarray(0, 8).toString('hex'));
    expect(new Set(heads).size).toBe(tokens.length);
    const tails = tokens.map((token) => Buffer.from(token, 'base64url').subarray(24).toString('hex'));
    expect(new Set(tails).size).toBe(tokens.length);
  });
});
