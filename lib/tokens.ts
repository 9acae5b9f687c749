import { createHash, randomBytes } from 'node:crypto';

/**
 * A token (booking confirmation link, lead cancel link, check-in link)
 * travels only in the customer's message; the database keeps its hash,
 * which both the activity that makes the link and the page that receives
 * it compute here.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new link token (or API key body): 32 random bytes in base64url. Only its hashToken is stored. */
export const newLinkToken = (): string => randomBytes(32).toString('base64url');

/** Our link tokens are 32 random bytes in base64url; anything else is not worth a query. */
export const isLinkToken = (token: string) => /^[A-Za-z0-9_-]{16,128}$/.test(token);
