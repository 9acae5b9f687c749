import { parse } from 'node:querystring';
import type { NextFunction, Request, Response } from 'express';

// C0 controls and DEL but TAB and LF (CR is a line break, see below): a NUL
// makes PostgreSQL refuse the text, and none of them is anything a person typed.
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * One form or query value as it is kept: CR LF and lone CR line breaks
 * written as LF, control characters left out; repeated fields (arrays) one
 * by one; other values as they came.
 */
export function cleanFormValue(value: unknown): unknown {
  if (typeof value === 'string') {
    const lines = value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
    return lines.replace(controlCharacters, '');
  }
  if (Array.isArray(value)) return value.map(cleanFormValue);
  return value;
}

/** Cleans every field of a parsed body or query object in place. */
export function cleanFields(fields: unknown): void {
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return;
  for (const [name, value] of Object.entries(fields)) (fields as Record<string, unknown>)[name] = cleanFormValue(value);
}

/**
 * Browsers send a textarea's line breaks as CR LF on a plain form post and
 * as LF when htmx posts the same form, so the stored text (a template, a
 * remark, an SMS whose length is counted) would depend on whether the
 * script had loaded; and a NUL byte typed or pasted into any field made
 * the request fail. Every body field reaches the routes cleaned. Mounted
 * after the urlencoded parser; the upload parser cleans multipart fields itself.
 */
export function formTextMiddleware() {
  return (req: Request, _res: Response, next: NextFunction) => {
    cleanFields(req.body);
    next();
  };
}

/** Express's `query parser`: the query string's values cleaned as form fields are. */
export function parseQuery(query: string): Record<string, unknown> {
  const fields = parse(query);
  cleanFields(fields);
  return fields;
}
