import type { NextFunction, Request, Response } from 'express';
import type { i18n } from 'i18next';
import { fixedT, isLanguage, languageNames, languages, type Language } from '../../lib/i18n';

declare global {
  namespace Express {
    interface Request {
      language: Language;
    }
  }
}

/**
 * P10: the customer chooses the language (?lang=nl, remembered in a cookie);
 * otherwise the browser's preference; otherwise English.
 */
export function languageMiddleware(i18n: i18n, secureCookies: boolean) {
  const choices = languages.map((code) => ({ code, name: languageNames[code] }));
  return (req: Request, res: Response, next: NextFunction) => {
    const asked = req.query.lang;
    let language: Language;
    if (isLanguage(asked)) {
      language = asked;
      res.cookie('lang', asked, { httpOnly: true, sameSite: 'lax', secure: secureCookies, maxAge: 365 * 86_400_000 });
    } else if (isLanguage(req.cookies?.lang)) {
      language = req.cookies.lang;
    } else {
      language = (req.acceptsLanguages(...languages) || 'en') as Language;
    }
    req.language = language;
    res.locals.lang = language;
    res.locals.t = fixedT(i18n, language);
    res.locals.languages = choices;
    res.locals.currentPath = req.path;
    next();
  };
}
