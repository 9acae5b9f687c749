import { PostgresStore } from '@acpr/rate-limit-postgresql';
import type { Request, Response } from 'express';
import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';

export interface RateLimitOptions {
  databaseUrl: string;
  /** names the counter, so limiters do not share counts */
  name: string;
  limit: number;
  windowMs: number;
  /** count only failed attempts (answers of 400 and above) */
  failuresOnly?: boolean;
  /** renders the refusal in the user's language */
  refuse: (req: Request, res: Response, retryAfterMinutes: number) => void;
}

/**
 * A per-client limit whose counters live in PostgreSQL, so every web
 * replica sees the same count. The store keeps its own tables (schema
 * rate_limit) and migrates them itself.
 */
export function createRateLimit({ databaseUrl, name, limit, windowMs, failuresOnly, refuse }: RateLimitOptions): RateLimitRequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: failuresOnly ?? false,
    store: new PostgresStore({ connectionString: databaseUrl, max: 3 }, name),
    handler: (req, res) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const minutes = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 60_000));
      res.status(429);
      refuse(req, res, minutes);
    },
  });
}
