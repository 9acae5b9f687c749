import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets we must give back to someone else's server (an import source's
 * password or private key) are sealed with AES-256-GCM before they reach
 * the database: a key derived (HKDF-SHA256) from IMPORT_SECRET_KEY, a fresh
 * 96-bit nonce per value, and the owner (`context`, e.g. the company) bound
 * in as additional data, so a sealed value copied to another company's row
 * does not open. A database dump alone reveals none of them.
 */
const version = 'v1';

function keyOf(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'workshop-platform', `sealed-secret:${purpose}`, 32));
}

export interface Sealer {
  seal(plain: string, context: string): string;
  /** the plain text, or undefined when the value was sealed with another key or for another context */
  open(sealed: string, context: string): string | undefined;
}

export function secretSealer(secret: string, purpose: string): Sealer {
  const key = keyOf(secret, purpose);
  return {
    seal(plain, context) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [version, nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [v, nonce, tag, body] = sealed.split('.');
      if (v !== version || !nonce || !tag || body === undefined) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
