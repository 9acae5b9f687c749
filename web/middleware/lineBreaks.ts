import type { NextFunction, Request, Response } from 'express';

/** A form value with CR LF and lone CR line breaks written as LF; other values as they came. */
export function normalizeLineBreaks(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
  if (Array.isArray(value)) return value.map(normalizeLineBreaks);
  return value;
}

/**
 * Browsers send a textarea's line breaks as CR LF on a plain form post and
 * as LF when htmx posts the same form, so the stored text (a template, a
 * remark, an SMS whose length is counted) would depend on whether the
 * script had loaded. Every body field reaches the routes with LF only.
 * Mounted after the urlencoded and the multipart parsers.
 */
export function lineBreaksMiddleware() {
  return (req: Request, _res: Response, next: NextFunction) => {
    const body: unknown = req.body;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      for (const [name, value] of Object.entries(body)) (body as Record<string, unknown>)[name] = normalizeLineBreaks(value);
    }
    next();
  };
}
