import type { Request, Response } from 'express';
import { rateLimit, type Options, type RateLimitRequestHandler, type Store } from 'express-rate-limit';
import type { Knex } from 'knex';
import { decrementHits, getHits, incrementHits, resetHits } from '../../db/rateLimits';

/** express-rate-limit's counters in PostgreSQL, so every web replica sees the same count. */
class PostgresRateLimitStore implements Store {
  private windowMs = 60_000;
  readonly localKeys = false;

  constructor(
    private readonly db: Knex,
    readonly prefix: string,
  ) {}

  init(options: Options) {
    this.windowMs = options.windowMs;
  }

  async get(key: string) {
    const hits = await getHits(this.db, this.prefix + key);
    return hits && { totalHits: hits.hits, resetTime: hits.resetAt };
  }

  async increment(key: string) {
    const { hits, resetAt } = await incrementHits(this.db, this.prefix + key, this.windowMs);
    return { totalHits: hits, resetTime: resetAt };
  }

  async decrement(key: string) {
    await decrementHits(this.db, this.prefix + key);
  }

  async resetKey(key: string) {
    await resetHits(this.db, this.prefix + key);
  }
}

export interface RateLimitOptions {
  db: Knex;
  /** names the counter, so limiters do not share counts */
  name: string;
  limit: number;
  windowMs: number;
  /** count only failed attempts (answers of 400 and above) */
  failuresOnly?: boolean;
  /** renders the refusal in the user's language */
  refuse: (req: Request, res: Response, retryAfterMinutes: number) => void | Promise<void>;
}

/** A per-client (IP) limit; `refuse` answers with status 429 already set. */
export function createRateLimit({ db, name, limit, windowMs, failuresOnly, refuse }: RateLimitOptions): RateLimitRequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Trusting no proxy (TRUST_PROXY's default) is on purpose: a client's own X-Forwarded-For is ignored, not a misconfiguration.
    validate: { xForwardedForHeader: false },
    skipSuccessfulRequests: failuresOnly ?? false,
    store: new PostgresRateLimitStore(db, `${name}:`),
    handler: async (req, res, next) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const minutes = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 60_000));
      res.status(429);
      try {
        await refuse(req, res, minutes);
      } catch (error) {
        next(error);
      }
    },
  });
}
