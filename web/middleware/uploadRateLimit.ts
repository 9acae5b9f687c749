import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { decrementHits, incrementHits } from '../../db/rateLimits';
import { render } from '../render';

export interface UploadRateLimitOptions {
  db: Knex;
  /** what one client may upload per window (UPLOAD_RATE_LIMIT_BYTES) */
  maxBytes: number;
  windowMs: number;
}

/**
 * Per client (IP), how much the anonymous upload routes take in a window,
 * counted by the body's declared length before a byte of it is read, in
 * PostgreSQL so every web replica counts alike. A client over the limit
 * gets the error page in its language with the minutes to wait; a
 * multipart body without a length is refused (browsers always send one).
 */
export function uploadRateLimit({ db, maxBytes, windowMs }: UploadRateLimitOptions) {
  const maxKilobytes = Math.ceil(maxBytes / 1024);
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) return next();
    const length = Number(req.get('content-length'));
    if (!req.get('content-length') || !Number.isSafeInteger(length) || length < 0) {
      res.status(411);
      return render(req, res, 'views/error', { code: 'lengthRequired' });
    }
    const kilobytes = Math.ceil(length / 1024);
    const key = `upload-kilobytes:${req.ip}`;
    let resetAt = new Date(Date.now() + windowMs);
    if (kilobytes <= maxKilobytes) {
      const counted = await incrementHits(db, key, windowMs, kilobytes);
      if (counted.hits <= maxKilobytes) return next();
      // Refused, so not counted: the client may still send what fits.
      await decrementHits(db, key, kilobytes);
      resetAt = counted.resetAt;
    }
    const minutes = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 60_000));
    res.status(429).set('Retry-After', String(minutes * 60));
    render(req, res, 'views/error', { code: 'tooManyUploads', params: { minutes } });
  };
}
