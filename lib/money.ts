/**
 * Money as integer cents with a currency (prices are incl. VAT). Staff type
 * prices the way their country writes them ("12,50", "12.50", "1.234,50");
 * customers read them formatted in their page language.
 */

/** The highest price a form accepts: one million, in cents (well inside a PostgreSQL integer). */
export const maxPriceCents = 100_000_000;

/**
 * "12,50", "12.50", "12", "€ 1.234,56", "1,234.56", "1 234,5" → cents; undefined
 * when the text is not a price. The last "." or "," followed by one or two
 * digits is the decimal mark; groups of three digits before it may be
 * separated by ".", ",", "'" or spaces (not by the decimal mark itself).
 */
export function parsePriceToCents(text: string): number | undefined {
  const compact = text.trim().replace(/^€|€$|^EUR|EUR$/i, '').trim();
  const match = /^(\d{1,3}(?:([.,' \u00a0\u202f])\d{3})(?:\2\d{3})*|\d+)(?:([.,])(\d{1,2}))?$/.exec(compact);
  if (!match) return undefined;
  const [, whole, groupMark, decimalMark, fraction = ''] = match;
  if (groupMark && decimalMark && groupMark === decimalMark) return undefined;
  const units = Number(whole!.replace(/\D/g, ''));
  const cents = units * 100 + Number(fraction.padEnd(2, '0'));
  return Number.isSafeInteger(cents) && cents <= maxPriceCents ? cents : undefined;
}

/** "€ 12,50" / "€12.50" / "12,50 €": cents in a currency, as the page language writes them. */
export function formatPrice(cents: number, currency: string, language: string): string {
  return new Intl.NumberFormat(language, { style: 'currency', currency }).format(cents / 100);
}

/** A price as typed back into a form field: "12,50" (nl, fr, de) or "12.50" (en). */
export function formatPriceInput(cents: number, language: string): string {
  const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  return language === 'en' ? text : text.replace('.', ',');
}

/** Totals per currency, in the order the currencies first appear. */
export function totalsByCurrency(lines: { price_cents: number; currency: string }[]): { currency: string; cents: number }[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.currency, (totals.get(line.currency) ?? 0) + line.price_cents);
  return [...totals].map(([currency, cents]) => ({ currency, cents }));
}
