import { describe, expect, it } from 'vitest';
import { normalizeLineBreaks } from './lineBreaks';

describe('form line breaks', () => {
  it('writes CR LF and lone CR as LF, in single values and repeated fields', () => {
    expect(normalizeLineBreaks('Dear [CustomerName],\r\n\r\nSee you\rsoon')).toBe('Dear [CustomerName],\n\nSee you\nsoon');
    expect(normalizeLineBreaks(['a\r\nb', 'c'])).toEqual(['a\nb', 'c']);
  });

  it('leaves text without CR and values that are not text as they are', () => {
    expect(normalizeLineBreaks('one\ntwo')).toBe('one\ntwo');
    expect(normalizeLineBreaks(undefined)).toBeUndefined();
  });
});
