import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createDb } from '../db/knex';
import { locationChangedChannel } from '../db/locations';
import { createLogger } from '../lib/logger';
import { LiveChanges } from '../web/live';
import { PortalLocations } from '../web/portalLocations';
import { createLocation } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';

/** Issue 14 (P1): the portal's locations in memory, dropped on every change by NOTIFY. */
describe('the portal locations kept in memory', () => {
  let platform: Platform;
  let changes: LiveChanges;
  let locations: PortalLocations;
  /** its own pool: the platform's worker and web process ask the database too */
  let db: Knex;
  /** the queries on `locations` run since the last call */
  let queried: () => number;

  /**
   * Once every change committed so far has been heard (and has dropped what
   * was kept): notices arrive in commit order, so a marker of our own comes
   * after them. The marker drops what is kept too.
   */
  async function heardAll() {
    const marker = randomUUID();
    const heard = new Promise<void>((resolve) => {
      const off = changes.onLocationsChanged((payload) => {
        if (payload === marker) {
          off();
          resolve();
        }
      });
    });
    await db.raw('select pg_notify(?, ?)', [locationChangedChannel, marker]);
    await heard;
  }

  beforeAll(async () => {
    platform = await startPlatform();
    changes = new LiveChanges(platform.config.DATABASE_LISTEN_URL, createLogger('silent', 'test'));
    await changes.start();
    db = createDb(platform.config.DATABASE_URL, 2);
    locations = new PortalLocations(db, changes);
    let count = 0;
    db.on('query', (query: { sql: string }) => {
      if (/from "locations"/.test(query.sql)) count++;
    });
    queried = () => {
      const n = count;
      count = 0;
      return n;
    };
  });
  afterAll(async () => {
    await changes?.stop();
    await db?.destroy();
    await platform?.close();
  });

  it('asks the database once, then serves the same frozen row', async () => {
    const { location } = await createLocation(platform.db);
    await heardAll();
    queried();
    const first = await locations.bySlug(location.slug);
    expect(first).toMatchObject({ id: location.id, slug: location.slug });
    expect(await locations.bySlug(location.slug)).toBe(first);
    expect(queried()).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('any change to locations, from any connection, drops what is kept', async () => {
    const { location } = await createLocation(platform.db, { name: 'Before' });
    expect((await locations.bySlug(location.slug))!.name).toBe('Before');
    await platform.db('locations').where({ id: location.id }).update({ name: 'After' });
    await expect.poll(async () => (await locations.bySlug(location.slug))!.name).toBe('After');
    // A new location elsewhere drops it too (statement-level NOTIFY).
    await heardAll();
    queried();
    await locations.bySlug(location.slug);
    await locations.bySlug(location.slug);
    expect(queried()).toBe(1);
    await createLocation(platform.db);
    await expect.poll(async () => (queried(), await locations.bySlug(location.slug), queried())).toBe(1);
  });

  it("a company's portal locations too: a location added to it is listed once its NOTIFY arrives", async () => {
    const { companyId, location } = await createLocation(platform.db, { name: 'Alpha' });
    await heardAll();
    queried();
    expect((await locations.ofCompany(companyId)).map((l) => l.name)).toEqual(['Alpha']);
    await locations.ofCompany(companyId);
    expect(queried()).toBe(1);
    await createLocation(platform.db, { companyId, name: 'Beta' });
    await expect.poll(async () => (await locations.ofCompany(companyId)).map((l) => l.name)).toEqual(['Alpha', 'Beta']);
    expect(Object.isFrozen((await locations.ofCompany(companyId))[0])).toBe(true);
    expect(location.company_id).toBe(companyId);
  });

  it('keeps nothing for an unknown slug, nor while it hears no changes', async () => {
    queried();
    expect(await locations.bySlug('no-such-portal')).toBeUndefined();
    expect(await locations.bySlug('no-such-portal')).toBeUndefined();
    expect(queried()).toBe(2);

    const { location } = await createLocation(platform.db);
    const deaf = new LiveChanges(platform.config.DATABASE_LISTEN_URL, createLogger('silent', 'test'));
    const unheard = new PortalLocations(db, deaf); // never started: no LISTEN connection
    await unheard.bySlug(location.slug);
    await unheard.bySlug(location.slug);
    expect(queried()).toBe(2);
  });

  it('a portal page shows a setting saved a moment ago (the web process drops its copy)', async () => {
    const { location } = await createLocation(platform.db, { show_book_estimate: true });
    const home = async () => (await (await fetch(`${platform.baseUrl}/p/${location.slug}`, { headers: { 'accept-language': 'en' } })).text());
    expect(await home()).toContain(`/p/${location.slug}/estimate`);
    await platform.db('locations').where({ id: location.id }).update({ show_book_estimate: false });
    await expect.poll(home).not.toContain(`/p/${location.slug}/estimate`);
    await platform.db('locations').where({ id: location.id }).update({ portal_enabled: false });
    await expect.poll(async () => (await fetch(`${platform.baseUrl}/p/${location.slug}`)).status).toBe(404);
  });
});
