import path from 'node:path';
import { Eta } from 'eta';
import type { Request, Response } from 'express';
import { fromRoot } from '../lib/appRoot';

/** Templates live beside their feature: web/<feature>/views/<name>.eta; the layout in web/views. */
export const eta = new Eta({
  views: fromRoot('web'),
  cache: process.env.NODE_ENV === 'production',
  autoEscape: true,
});

/**
 * Renders a full page, or only `fragment` when htmx asks for it, from the
 * same data: the page template includes that fragment, so there is one
 * template per piece of UI.
 */
export function render(req: Request, res: Response, template: string, data: Record<string, unknown> = {}, fragment?: string) {
  res.vary('HX-Request');
  const partial = fragment && req.get('HX-Request') === 'true' && req.get('HX-Boosted') !== 'true';
  const name = partial ? fragment : template;
  res.type('html').send(eta.render(path.posix.normalize(name), { ...res.locals, ...data }));
}
