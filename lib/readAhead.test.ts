import { describe, expect, it } from 'vitest';
import { readAhead } from './readAhead';

describe('readAhead', () => {
  it('hands out every item in order, the next one already asked for while the caller works', async () => {
    const asked: number[] = [];
    async function* source() {
      for (let i = 1; i <= 3; i++) {
        asked.push(i);
        yield i;
      }
    }
    const seen: [number, number[]][] = [];
    for await (const item of readAhead(source())) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push([item, [...asked]]);
    }
    expect(seen).toEqual([
      [1, [1, 2]],
      [2, [1, 2, 3]],
      [3, [1, 2, 3]],
    ]);
  });

  it('passes a failure on when its item is asked for, and closes the source when the caller stops early', async () => {
    let closed = false;
    async function* failing() {
      yield 1;
      throw new Error('broken file');
    }
    const items: number[] = [];
    await expect(async () => {
      for await (const item of readAhead(failing())) items.push(item);
    }).rejects.toThrow('broken file');
    expect(items).toEqual([1]);

    async function* endless() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const item of readAhead(endless())) if (item === 2) break;
    expect(closed).toBe(true);
  });
});
