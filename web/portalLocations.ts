import type { Express, Request } from 'express';
import type { Knex } from 'knex';
import { findLocationBySlug, listPortalLocations, type Location } from '../db/locations';
import type { LiveChanges } from './live';

/**
 * The portal's locations by slug, kept in this process's memory: every
 * customer page (P1 home, look-ups, estimate, service request) starts from
 * its location, which changes a few times a year. Any change to `locations`
 * NOTIFYs at commit (migration 20261205000000), and every replica drops what
 * it keeps; so does one whose LISTEN connection was lost (it asks the
 * database meanwhile), and anything kept longer than `maxAgeMs`. A look-up
 * that raced a change keeps nothing. Unknown slugs are never kept, so the
 * memory is bounded by the rows of `locations`.
 */
export class PortalLocations {
  private readonly kept = new Map<string, { value: unknown; at: number }>();
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

  private drop(): void {
    this.generation++;
    this.kept.clear();
  }

  /** The location of `slug`, or undefined when there is none. */
  bySlug(slug: string): Promise<Readonly<Location> | undefined> {
    return this.keep(`slug ${slug}`, () => findLocationBySlug(this.db, slug));
  }

  /** A company's locations that take portal visitors, by name (the estimate wizard's location choice). */
  async ofCompany(companyId: number): Promise<readonly Readonly<Location>[]> {
    return (await this.keep(`company ${companyId}`, () => listPortalLocations(this.db, companyId))) ?? [];
  }

  private async keep<T extends object>(key: string, load: () => Promise<T | undefined>): Promise<Readonly<T> | undefined> {
    const hit = this.kept.get(key);
    if (hit && this.changes.listening && performance.now() - hit.at < this.maxAgeMs) return hit.value as Readonly<T>;
    const generation = this.generation;
    const value = await load();
    if (!value) return undefined;
    // Frozen: one object serves every request, so none may change it for the others.
    const kept = frozen(value);
    if (generation === this.generation && this.changes.listening) this.kept.set(key, { value: kept, at: performance.now() });
    return kept;
  }
}

/** `value` frozen, and each row of it when it is a list. */
const frozen = <T extends object>(value: T): Readonly<T> => {
  if (Array.isArray(value)) value.forEach((item: object) => Object.freeze(item));
  return Object.freeze(value);
};

/** Makes `locations` the app's (createApp), for portalLocation(). */
export const usePortalLocations = (app: Express, locations: PortalLocations) => {
  app.locals.portalLocations = locations;
};

const portalLocationsOfApp = (req: Request) => req.app.locals.portalLocations as PortalLocations;

/** The location of the portal page's `:slug`, or undefined when there is none. */
export const portalLocation = (req: Request): Promise<Readonly<Location> | undefined> => portalLocationsOfApp(req).bySlug(String(req.params.slug));

/** The company's portal locations of `location` (see PortalLocations.ofCompany). */
export const portalLocationsOf = (req: Request, location: Location): Promise<readonly Readonly<Location>[]> =>
  portalLocationsOfApp(req).ofCompany(location.company_id);
