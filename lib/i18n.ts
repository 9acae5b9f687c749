import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';
import { fromRoot } from './appRoot';
import { BoundedMap } from './boundedMap';

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

const translators = new WeakMap<i18n, Map<string, TFunction>>();
/** Beyond this many keys a language's memo starts over: keys built from unexpected values cannot grow it without end. */
const memoLimit = 10_000;

/** Options whose values are all strings, numbers or booleans: their JSON names the call exactly. */
const plainOptions = (options: unknown): options is Record<string, string | number | boolean> =>
  typeof options === 'object' &&
  options !== null &&
  Object.getPrototypeOf(options) === Object.prototype &&
  Object.values(options).every((value) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean');

/**
 * The `t` of one language, made once per instance and language (not per
 * request), remembering what it looked up: a page asks for the same few
 * hundred keys every time, and i18next's lookup (key splitting, fallbacks,
 * nesting, post-processing) is no cheaper the hundredth time; a call with
 * interpolation or a count costs about 0.1 ms. Calls whose options are plain
 * values (a location's name, a count) are remembered by key and options;
 * others (objects, functions) go to i18next each time. The resources are
 * loaded once at start (createI18n) and never change, so the same call
 * always gives the same text.
 */
export function fixedT(instance: i18n, lng: string): TFunction {
  let byLanguage = translators.get(instance);
  if (!byLanguage) translators.set(instance, (byLanguage = new Map()));
  let t = byLanguage.get(lng);
  if (t) return t;
  const fixed = instance.getFixedT(lng) as unknown as (...args: unknown[]) => string;
  const keys = new BoundedMap<string, string>(memoLimit);
  // Calls with options name customers, dates and counts: a smaller memo, started over sooner.
  const calls = new BoundedMap<string, string>(memoLimit / 5);
  t = ((key: unknown, ...rest: unknown[]) => {
    if (typeof key !== 'string' || rest.length > 1) return fixed(key, ...rest);
    if (rest.length === 0) {
      let text = keys.get(key);
      if (text === undefined) keys.set(key, (text = fixed(key)));
      return text;
    }
    if (!plainOptions(rest[0])) return fixed(key, ...rest);
    const call = `${key}\0${JSON.stringify(rest[0])}`;
    let text = calls.get(call);
    if (text === undefined) calls.set(call, (text = fixed(key, rest[0])));
    return text;
  }) as unknown as TFunction;
  byLanguage.set(lng, t);
  return t;
}
