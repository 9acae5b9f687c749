import { createHash } from 'node:crypto';

/**
 * A token (booking confirmation link, lead cancel link, check-in link)
 * travels only in the customer's message; the database keeps its hash,
 * which both the activity that makes the link and the page that receives
 * it compute here.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
