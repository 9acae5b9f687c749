import type { Express, Request } from 'express';
import type { Knex } from 'knex';
import { findLocationBySlug, type Location } from '../db/locations';
import type { LiveChanges } from './live';

/**
 * The portal's locations by slug, kept in this process's memory: every
 * customer page (P1 home, look-ups, estimate, service request) starts from
 * its location, which changes a few times a year. Any change to `locations`
 * NOTIFYs at commit (migration 20261205000000), and every replica drops what
 * it keeps; so does one whose LISTEN connection was lost (it asks the
 * database meanwhile), and anything kept longer than `maxAgeMs`. A look-up
 * that raced a change keeps nothing. Unknown slugs are never kept.
 */
export class PortalLocations {
  private readonly kept = new Map<string, { location: Readonly<Location>; at: number }>();
  /** bumped by every drop: a look-up that began before one keeps nothing */
  private generation = 0;

  constructor(
    private readonly db: Knex,
    private readonly changes: LiveChanges,
    private readonly maxAgeMs = 5 * 60_000,
  ) {
    changes.onLocationsChanged(() => this.drop());
    changes.onReconnect(() => this.drop());
  }

  drop(): void {
    this.generation++;
    this.kept.clear();
  }

  async bySlug(slug: string): Promise<Readonly<Location> | undefined> {
    const hit = this.kept.get(slug);
    if (hit && this.changes.listening && performance.now() - hit.at < this.maxAgeMs) return hit.location;
    const generation = this.generation;
    const location = await findLocationBySlug(this.db, slug);
    if (!location) return undefined;
    // Frozen: one object serves every request, so none may change it for the others.
    const kept = Object.freeze(location);
    if (generation === this.generation && this.changes.listening) this.kept.set(slug, { location: kept, at: performance.now() });
    return kept;
  }
}

/** Makes `locations` the app's (createApp), for portalLocation(). */
export const usePortalLocations = (app: Express, locations: PortalLocations) => {
  app.locals.portalLocations = locations;
};

/** The location of the portal page's `:slug`, or undefined when there is none. */
export const portalLocation = (req: Request): Promise<Readonly<Location> | undefined> =>
  (req.app.locals.portalLocations as PortalLocations).bySlug(String(req.params.slug));
