import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { fromRoot } from './appRoot';

export const languages = ['en', 'nl', 'fr', 'de'] as const;
export type Language = (typeof languages)[number];
export type { TFunction };

export const languageNames: Record<Language, string> = { en: 'English', nl: 'Nederlands', fr: 'Français', de: 'Deutsch' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

const localeDir = fromRoot('lib', 'locales');

/**
 * One language's strings: `locales/<lng>.json` plus every `locales/<area>.<lng>.json`
 * (each feature area keeps its own file; their top-level sections must not overlap).
 */
export function loadLocale(lng: Language): Record<string, unknown> {
  const files = readdirSync(localeDir).filter((name) => name === `${lng}.json` || name.endsWith(`.${lng}.json`)).sort();
  const merged: Record<string, unknown> = {};
  for (const file of files) {
    const strings = JSON.parse(readFileSync(path.join(localeDir, file), 'utf8')) as Record<string, unknown>;
    for (const [section, value] of Object.entries(strings)) {
      if (section in merged) throw new Error(`locale section "${section}" is defined twice (${file})`);
      merged[section] = value;
    }
  }
  return merged;
}

function loadResources() {
  return Object.fromEntries(languages.map((lng) => [lng, { translation: loadLocale(lng) }]));
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
