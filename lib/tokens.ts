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

/** Tokens drawn from one call to the system's random source: each range of 32 bytes is handed out once. */
const tokensPerDraw = 128;
let drawn = Buffer.alloc(0);
let handedOut = tokensPerDraw;

/**
 * A new link token (or API key body, or a visitor's CSRF value): 32 random
 * bytes in base64url. Only its hashToken is stored. The bytes come from the
 * system's CSPRNG in draws of 128 tokens, as Node's own randomUUID does: one
 * randomBytes call per token cost the pages with a form 15 µs each, more
 * than the token's HMAC.
 */
export function newLinkToken(): string {
  if (handedOut === tokensPerDraw) {
    drawn = randomBytes(32 * tokensPerDraw);
    handedOut = 0;
  }
  return drawn.toString('base64url', 32 * handedOut, 32 * ++handedOut);
}

/** Our link tokens are 32 random bytes in base64url; anything else is not worth a query. */
export const isLinkToken = (token: string) => /^[A-Za-z0-9_-]{16,128}$/.test(token);
