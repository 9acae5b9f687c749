import { describe, expect, it } from 'vitest';
import { createI18n, fixedT, languages, loadLocale } from './i18n';

function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keyPaths(child, prefix ? `${prefix}.${key}` : key));
}
const load = loadLocale;

describe('locales (P10)', () => {
  it('every language has exactly the keys of English', () => {
    const english = keyPaths(load('en')).sort();
    for (const lng of languages) expect(keyPaths(load(lng)).sort(), lng).toEqual(english);
  });

  it('every language keeps the placeholders of English', () => {
    const english = load('en');
    for (const lng of languages) {
      const translated = load(lng);
      for (const key of keyPaths(english)) {
        const get = (root: unknown) => key.split('.').reduce((node: any, part) => node?.[part], root) as string;
        const placeholders = (text: string) => (text.match(/\{\{\w+\}\}/g) ?? []).sort();
        expect(placeholders(get(translated)), `${lng}: ${key}`).toEqual(placeholders(get(english)));
      }
    }
  });

  it('has the P3 expired-link text word for word in English and Dutch', async () => {
    const i18n = await createI18n();
    expect(i18n.getFixedT('en')('booking.expired.text')).toBe(
      'Oops - something went wrong. The link was probably no longer valid. Please enter your appointment request again via the web page. Sorry for the inconvenience.',
    );
    expect(i18n.getFixedT('nl')('booking.expired.text')).toBe(
      'Oeps - er is iets fout gelopen. Vermoedelijk was de link niet meer geldig. Gelieve uw aanvraag voor afspraak opnieuw in te voeren via de webpagina alstublieft. Sorry voor het ongemak.',
    );
    expect(i18n.getFixedT('de')('booking.vehicle.photosAdded', { count: 2 })).toBe('2 Fotos hinzugefügt');
  });

  it("fixedT gives i18next's own text for every kind of call, remembered or not", async () => {
    const i18n = await createI18n();
    for (const lng of ['en', 'nl', 'de']) {
      const t = fixedT(i18n, lng);
      const own = i18n.getFixedT(lng);
      const calls: [string, unknown?][] = [
        ['booking.expired.text'],
        ['booking.vehicle.photosAdded', { count: 1 }],
        ['booking.vehicle.photosAdded', { count: 2 }],
        ['booking.contact.consent', { location: 'Garage <Noord>' }],
        ['booking.contact.consent', { location: 'Garage Zuid' }],
        ['errors.noSuchKey', { defaultValue: 'fallback text' }],
        ['booking.contact.consent', { location: { toString: () => 'an object' } }],
      ];
      for (let round = 0; round < 2; round++) {
        for (const [key, options] of calls) {
          const expected = options === undefined ? own(key) : own(key, options as never);
          expect(options === undefined ? t(key) : t(key, options as never), `${lng} ${key} ${JSON.stringify(options)}`).toBe(expected);
        }
      }
      // Different values, different texts: the memo is by key and options.
      expect(t('booking.contact.consent', { location: 'A' })).not.toBe(t('booking.contact.consent', { location: 'B' }));
    }
  });
});
