import type { z } from 'zod';

/** An error a user caused; `code` is a translation key under errors.*, shown in the user's language. */
export class UserError extends Error {
  constructor(
    readonly code: string,
    readonly status = 400,
    message = code,
  ) {
    super(message);
  }
}

export type FieldErrors = Record<string, string>;

/**
 * Parses a form with `schema`. Our schemas name each rule's message (a
 * translation key); what zod says by itself (a field missing, sent twice,
 * of another kind) becomes `required` or `invalid` too, after `prefix`
 * (`errors.` for forms whose messages are full keys), never zod's English.
 */
export function parseForm<Schema extends z.ZodType>(schema: Schema, values: unknown, prefix = ''): z.ZodSafeParseResult<z.output<Schema>> {
  return schema.safeParse(values, {
    error: (issue) => `${prefix}${issue.code === 'invalid_type' && issue.input === undefined ? 'required' : 'invalid'}`,
  });
}

/** Turns zod issues into field name -> translation key (errors.<code>). */
export function fieldErrors(issues: { path: PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return errors;
}
