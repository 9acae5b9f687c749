import path from 'node:path';
import { Eta } from 'eta';
import type { Request, Response } from 'express';
import { fromRoot } from '../lib/appRoot';

const production = process.env.NODE_ENV === 'production';

/** Templates live beside their feature: web/<feature>/views/<name>.eta; the layout in web/views. */
export const eta = new Eta({ views: fromRoot('web'), cache: production, autoEscape: true });

if (production) {
  // Templates are compiled once in production, but Eta resolves (and checks) the path of every template and
  // include on every render: a JSON key, path.join and path.relative each time. Where a name from a file leads
  // stays the same while the process runs.
  const resolve = eta.resolvePath!.bind(eta);
  const resolved = new Map<string, string>();
  eta.resolvePath = (template, options) => {
    const key = `${options?.filepath ?? ''}\0${template}`;
    let file = resolved.get(key);
    if (file === undefined) resolved.set(key, (file = resolve(template, options)));
    return file;
  };
}

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
