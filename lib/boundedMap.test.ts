import { describe, expect, it } from 'vitest';
import { BoundedMap } from './boundedMap';

describe('BoundedMap', () => {
  it('keeps up to its limit, starts over with the next new key, and keeps the key that made it start over', () => {
    const map = new BoundedMap<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c'].entries()) map.set(key, i);
    expect([...map]).toEqual([['a', 0], ['b', 1], ['c', 2]]);
    map.set('b', 10);
    expect(map.size).toBe(3);
    expect(map.get('b')).toBe(10);
    map.set('d', 3);
    expect([...map]).toEqual([['d', 3]]);
  });
});
