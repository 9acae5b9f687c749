/**
 * A keyset cursor of a staff list ordered newest first (jobs, leads): the
 * last row's creation time, to the microsecond as PostgreSQL keeps it, and
 * its id, so the next page starts right after that row however many rows
 * share a timestamp or were added meanwhile.
 */
export interface ListCursor {
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ` */
  at: string;
  id: number;
}

const cursorShape = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)_([1-9][0-9]{0,9})$/;

/** The cursor a `before` query value names, or undefined when it names none. */
export function parseListCursor(value: unknown): ListCursor | undefined {
  if (typeof value !== 'string') return undefined;
  const match = cursorShape.exec(value);
  if (!match) return undefined;
  const id = Number(match[2]);
  if (id > 2_147_483_647 || Number.isNaN(Date.parse(match[1]!))) return undefined;
  return { at: match[1]!, id };
}

export const formatListCursor = (cursor: ListCursor) => `${cursor.at}_${cursor.id}`;

/** The SQL that gives a row's `at` in the cursor's form (UTC, microseconds). */
export const cursorAtSql = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * A page of a list read with `limit + 1` rows (each with its `cursor_at`,
 * cursorAtSql): the first `limit` rows, and the cursor of the next page when
 * the extra row says there is one. The rows keep their `cursor_at`: copying
 * fifty rows to drop it cost more than carrying it to the template.
 */
export function pageOf<T extends { id: number; cursor_at: string }>(rows: T[], limit: number): { rows: T[]; next: ListCursor | null } {
  if (rows.length <= limit) return { rows, next: null };
  const last = rows[limit - 1]!;
  return { rows: rows.slice(0, limit), next: { at: last.cursor_at, id: last.id } };
}
