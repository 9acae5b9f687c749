import { readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';

export const languages = ['en', 'nl', 'fr', 'de'] as const;
export type Language = (typeof languages)[number];
export type { TFunction };

export const languageNames: Record<Language, string> = { en: 'English', nl: 'Nederlands', fr: 'Français', de: 'Deutsch' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

function loadResources() {
  return Object.fromEntries(
    languages.map((lng) => [
      lng,
      { translation: JSON.parse(readFileSync(path.join(import.meta.dirname, 'locales', `${lng}.json`), 'utf8')) },
    ]),
  );
}

/** One i18next instance per process; every string a user reads comes from lib/locales. */
export async function createI18n(): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: loadResources(),
    supportedLngs: [...languages],
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // Eta escapes output
    returnNull: false,
  });
  return instance;
}
