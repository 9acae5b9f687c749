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

/** Turns zod issues into field name -> translation key (errors.<code>). */
export function fieldErrors(issues: { path: PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return errors;
}
