import { describe, expect, it } from 'vitest';
import { formatListCursor, parseListCursor } from './listCursor';

describe('list cursors (issue 14: the jobs list and lead manager page by keyset)', () => {
  it('reads back what it writes', () => {
    const cursor = { at: '2026-12-01T09:30:00.123456Z', id: 4211 };
    expect(parseListCursor(formatListCursor(cursor))).toEqual(cursor);
  });

  it('names no cursor for anything else', () => {
    for (const value of [undefined, '', '2026-12-01T09:30:00Z_1', '2026-12-01T09:30:00.123456Z_0', '2026-12-01T09:30:00.123456Z_99999999999', '2026-13-45T09:30:00.123456Z_1', "x' or 1=1", ['a']]) {
      expect(parseListCursor(value)).toBeUndefined();
    }
  });
});
