import { describe, expect, it } from 'vitest';
import { formatPrice, formatPriceInput, parsePriceToCents, totalsByCurrency } from './money';

describe('money', () => {
  it('reads prices as staff type them, in cents', () => {
    expect(parsePriceToCents('12,50')).toBe(1250);
    expect(parsePriceToCents('12.50')).toBe(1250);
    expect(parsePriceToCents(' 12 ')).toBe(1200);
    expect(parsePriceToCents('12,5')).toBe(1250);
    expect(parsePriceToCents('0,99')).toBe(99);
    expect(parsePriceToCents('€ 1.234,56')).toBe(123456);
    expect(parsePriceToCents('1,234.56')).toBe(123456);
    expect(parsePriceToCents('1 234,56')).toBe(123456);
    expect(parsePriceToCents('1.234')).toBe(123400); // a group of three is thousands, as in nl/de
    expect(parsePriceToCents('0')).toBe(0);
  });

  it('refuses what is not a price', () => {
    for (const text of ['', 'abc', '12,345,67', '1,234,56', '-5', '12,3456', '1e3', '12,50 EUR extra', '1.23.45', '10000000,01']) {
      expect(parsePriceToCents(text), text).toBeUndefined();
    }
  });

  it('formats in the page language and back into a form field', () => {
    expect(formatPrice(1250, 'EUR', 'en')).toBe('€12.50');
    expect(formatPrice(123456, 'EUR', 'de')).toMatch(/^1\.234,56\s€$/);
    expect(formatPrice(1250, 'EUR', 'fr')).toMatch(/^12,50\s€$/);
    expect(formatPrice(1250, 'EUR', 'nl')).toMatch(/^€\s12,50$/);
    expect(formatPriceInput(1250, 'nl')).toBe('12,50');
    expect(formatPriceInput(105, 'en')).toBe('1.05');
    expect(parsePriceToCents(formatPriceInput(987654, 'fr'))).toBe(987654);
  });

  it('adds up per currency', () => {
    expect(totalsByCurrency([{ price_cents: 1000, currency: 'EUR' }, { price_cents: 250, currency: 'EUR' }, { price_cents: 5, currency: 'GBP' }])).toEqual([
      { currency: 'EUR', cents: 1250 },
      { currency: 'GBP', cents: 5 },
    ]);
  });
});
