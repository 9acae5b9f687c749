import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHits, incrementHits, pruneExpiredHits, resetHits } from '../db/rateLimits';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

describe('rate-limit counters in PostgreSQL', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  it('counts hits in one window, also when they arrive at once', async () => {
    const counts = await Promise.all(Array.from({ length: 12 }, () => incrementHits(platform.db, 'login:10.0.0.1', 60_000)));
    expect(counts.map((c) => c.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await getHits(platform.db, 'login:10.0.0.1'))?.hits).toBe(12);
    await resetHits(platform.db, 'login:10.0.0.1');
    expect(await getHits(platform.db, 'login:10.0.0.1')).toBeUndefined();
  });

  it('starts a new window once the old one has passed, and prunes expired ones', async () => {
    await incrementHits(platform.db, 'login:10.0.0.2', 300);
    await incrementHits(platform.db, 'login:10.0.0.2', 300);
    await waitUntil('the window to pass', async () => (await getHits(platform.db, 'login:10.0.0.2')) === undefined);
    expect((await incrementHits(platform.db, 'login:10.0.0.2', 300)).hits).toBe(1);
    await waitUntil('the window to pass', async () => (await getHits(platform.db, 'login:10.0.0.2')) === undefined);
    await pruneExpiredHits(platform.db);
    expect(await platform.db('rate_limits').where({ key: 'login:10.0.0.2' }).first()).toBeUndefined();
  });
});
