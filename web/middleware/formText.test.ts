import { describe, expect, it } from 'vitest';
import { cleanFormValue, parseQuery } from './formText';

describe('form text', () => {
  it('writes CR LF and lone CR as LF, in single values and repeated fields', () => {
    expect(cleanFormValue('Dear [CustomerName],\r\n\r\nSee you\rsoon')).toBe('Dear [CustomerName],\n\nSee you\nsoon');
    expect(cleanFormValue(['a\r\nb', 'c'])).toEqual(['a\nb', 'c']);
  });

  it('leaves out NUL and the other control characters, keeping tabs, line breaks and every other character', () => {
    expect(cleanFormValue('Gen\u0000t')).toBe('Gent');
    expect(cleanFormValue('a\u0001\u0008\u000b\u000c\u001b\u007fb')).toBe('ab');
    expect(cleanFormValue('Straße\tnr. 5\nbus 2 — Ø ☺ 🚗')).toBe('Straße\tnr. 5\nbus 2 — Ø ☺ 🚗');
    expect(cleanFormValue(['x\u0000', '\u0000'])).toEqual(['x', '']);
  });

  it('leaves text without CR or controls and values that are not text as they are', () => {
    expect(cleanFormValue('one\ntwo')).toBe('one\ntwo');
    expect(cleanFormValue(undefined)).toBeUndefined();
  });

  it('cleans query values the same way', () => {
    expect(parseQuery('q=ab%00c&status=new&status=open%0D%0A')).toEqual({ q: 'abc', status: ['new', 'open\n'] });
  });
});
