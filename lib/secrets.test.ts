import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secretSealer } from './secrets';

describe('sealed secrets (AES-256-GCM)', () => {
  const sealer = secretSealer('a-test-secret-of-at-least-32-characters!', 'import-source');
  it('opens what it sealed, for the same context only; another key or a changed byte opens nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (plain) => {
        const sealed = sealer.seal(plain, 'company:1');
        expect(sealer.open(sealed, 'company:1')).toBe(plain);
        expect(sealer.open(sealed, 'company:2')).toBeUndefined();
        expect(secretSealer('another-secret-of-at-least-32-characters', 'import-source').open(sealed, 'company:1')).toBeUndefined();
        // One bit of the tag changed (a changed base64 character may only touch padding bits: 'z' seals to a 2-character body).
        const [version, nonce, tag, body] = sealed.split('.');
        const bent = Buffer.from(tag!, 'base64url');
        bent[0]! ^= 1;
        const flipped = [version, nonce, bent.toString('base64url'), body].join('.');
        expect(sealer.open(flipped, 'company:1')).toBeUndefined();
      }),
      { numRuns: 50 },
    );
    expect(sealer.seal('same', 'c')).not.toBe(sealer.seal('same', 'c'));
  });
});
