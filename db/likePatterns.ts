/**
 * A LIKE pattern that finds `text` anywhere in a value, `text` taken
 * literally: a `%` or `_` typed in a search box is that character, not a
 * wildcard (PostgreSQL's LIKE escapes with a backslash by default).
 */
export const likeAnywhere = (text: string): string => `%${text.replace(/[\\%_]/g, '\\$&')}%`;
