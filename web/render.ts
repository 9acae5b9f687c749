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
  sendHtml(req, res, eta.render(path.posix.normalize(name), { ...res.locals, ...data }));
}

/** Pages longer than this (in characters) go through Express's send: see sendHtml. */
const stringWriteLimit = 100_000;

/**
 * A rendered page as the answer. Express's send copies every body over
 * 1,000 characters into a Buffer of its own (for its length and an ETag,
 * which rendered pages have none of) and writes headers and Buffer
 * separately; Node writes a string itself, after the headers, in one write:
 * 4-17 % less of the process's CPU a page for pages of 3-90 kB (`npm run
 * bench:send`). Over 100,000 characters (a board of 200 cards) the string
 * write measured dearer than the Buffer, and Express's send stays. Pages
 * are never 204 or 304 answers, so nothing of send's handling of those is
 * missed.
 */
export function sendHtml(req: Request, res: Response, html: string) {
  res.type('html');
  if (html.length > stringWriteLimit) {
    res.send(html);
    return;
  }
  res.setHeader('Content-Length', Buffer.byteLength(html));
  if (req.method === 'HEAD') res.end();
  else res.end(html, 'utf8');
}
