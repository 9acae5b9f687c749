import path from 'node:path';
import type { Client } from '@temporalio/client';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import type pg from 'pg';
import { pinoHttp } from 'pino-http';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { createAppointmentsRouter } from './appointments/routes';
import { createBookingRouter } from './booking/routes';
import { createCheckinRouter } from './checkin/routes';
import { checkinUploadParser } from './checkin/uploads';
import { createCustomersRouter } from './customers/routes';
import { UserError } from './errors';
import { createLeadsRouter } from './leads/routes';
import { loadLeadBadge } from './leads/badge';
import { loadStaff } from './middleware/auth';
import { lineBreaksMiddleware } from './middleware/lineBreaks';
import { csrfMiddleware } from './middleware/csrf';
import { languageMiddleware } from './middleware/language';
import { loadPermissions } from './middleware/permissions';
import { sessionMiddleware } from './middleware/session';
import { createPortalRouter } from './portal/routes';
import { render } from './render';
import { createJobsRouter } from './jobs/routes';
import { createJobEditRouter } from './jobs/edit';
import { createMessagingRouter, messagingLocals } from './messaging/routes';
import type { JobChanges } from './live';
import { createLocationServicesRouter } from './staff/locationServices';
import { createOnlineBookingRouter } from './staff/onlineBooking';
import { createStaffRouter } from './staff/routes';
import { createRepairRouter } from './repair/routes';
import { createLeadRejectRouter } from './serviceBooking/reject';
import { createServiceBookingRouter } from './serviceBooking/routes';
import { leadEvents } from './serviceBooking/service';
import { createJobPhotosRouter } from './status/photos';
import { createStatusRouter } from './status/routes';
import { createTemplatesRouter } from './templates/routes';
import { photoUploadParser } from './uploads';

export interface AppDeps {
  config: Config;
  db: Knex;
  pool: pg.Pool;
  temporal: Client;
  i18n: i18n;
  log: Logger;
  changes: JobChanges;
}

export function createApp({ config, db, pool, temporal, i18n, log, changes }: AppDeps) {
  const app = express();
  const production = config.NODE_ENV === 'production';
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'img-src': ["'self'", 'data:', 'blob:'], 'upgrade-insecure-requests': production ? [] : null },
      },
      strictTransportSecurity: production,
    }),
  );
  app.use('/static', express.static(path.join(import.meta.dirname, 'public'), { maxAge: production ? '1d' : 0 }));
  const vendor = path.join(import.meta.dirname, '..', 'node_modules');
  app.get('/static/htmx.min.js', (_req, res) => res.sendFile(path.join(vendor, 'htmx.org', 'dist', 'htmx.min.js')));
  app.get('/static/htmx-sse.min.js', (_req, res) => res.sendFile(path.join(vendor, 'htmx-ext-sse', 'dist', 'sse.min.js')));
  app.get('/healthz', async (_req, res) => {
    await db.raw('select 1');
    res.json({ ok: true });
  });

  app.use(pinoHttp({ logger: log, autoLogging: { ignore: (req) => req.url?.startsWith('/static') ?? false } }));
  app.use(cookieParser());
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(languageMiddleware(i18n, production));
  app.use(
    sessionMiddleware({
      pool,
      secret: config.SESSION_SECRET,
      idleTimeoutMs: config.SESSION_IDLE_TIMEOUT,
      absoluteTimeoutMs: config.SESSION_ABSOLUTE_TIMEOUT,
      secureCookies: production,
    }).handlers,
  );

  const uploads = { dir: config.UPLOAD_DIR, maxBytes: config.UPLOAD_MAX_BYTES, maxFiles: config.UPLOAD_MAX_FILES };
  // Multipart bodies are parsed before the CSRF check, which reads the token from them.
  app.post('/p/:slug/estimate/vehicle', photoUploadParser('photos', uploads));
  app.post('/p/:slug/photos/:jobNumber', photoUploadParser('photos', uploads));
  const checkinUploads = { dir: config.UPLOAD_DIR, photoMaxBytes: config.UPLOAD_MAX_BYTES, videoMaxBytes: config.CHECKIN_VIDEO_MAX_BYTES, maxFiles: config.UPLOAD_MAX_FILES };
  app.post('/c/:token/remarks', checkinUploadParser('files', checkinUploads));
  app.use(lineBreaksMiddleware());
  app.use(csrfMiddleware());
  app.use(loadStaff(db));
  app.use(messagingLocals({ smsProvider: config.SMS_PROVIDER, whatsappProvider: config.WHATSAPP_PROVIDER }));
  // M4/M6: what the staff member may do and the New-leads count, for every staff page.
  app.use(loadPermissions(db), loadLeadBadge(db));

  app.use(createPortalRouter({ db }));
  app.use(
    createBookingRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, linkTtlMs: config.BOOKING_LINK_TTL, uploads }),
  );
  app.use(createStatusRouter({ db, changes, lookupLimit: config.LOOKUP_RATE_LIMIT }));
  app.use(createJobPhotosRouter({ db, uploads }));
  app.use(createRepairRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, linkTtlMs: config.BOOKING_LINK_TTL }));
  app.use(createStaffRouter({ db, secureCookies: production }));
  app.use(createJobEditRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE }));
  app.use(createJobsRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, uploadDir: config.UPLOAD_DIR }));
  app.use(createTemplatesRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, publicUrl: config.PUBLIC_URL }));
  app.use(
    createMessagingRouter({ db, i18n, publicUrl: config.PUBLIC_URL, smsProvider: config.SMS_PROVIDER, whatsappProvider: config.WHATSAPP_PROVIDER }),
  );
  const leadDeps = { db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE };
  const smsAvailable = config.SMS_PROVIDER !== 'none';
  app.use(createServiceBookingRouter(leadDeps));
  app.use(createLeadRejectRouter({ ...leadDeps, i18n, smsAvailable }));
  app.use(createAppointmentsRouter({ ...leadDeps, smsAvailable, leads: leadEvents(leadDeps), uploadDir: config.UPLOAD_DIR }));
  app.use(createCustomersRouter({ db }));
  app.use(createLocationServicesRouter({ db }));
  app.use(createCheckinRouter({ db, i18n, uploads: checkinUploads, defaultCountryCode: config.SMS_DEFAULT_COUNTRY_CODE }));
  app.use(createLeadsRouter({ db, temporal }));
  app.use(createOnlineBookingRouter({ db, whatsappAvailable: config.WHATSAPP_PROVIDER !== 'none' }));

  app.use((req: Request, res: Response) => {
    res.status(404);
    render(req, res, 'portal/views/notFound');
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode ?? 500;
    const code =
      error instanceof UserError
        ? error.code
        : (error as { code?: string }).code === 'EBADCSRFTOKEN'
          ? 'csrf'
          : status === 403
            ? 'forbidden'
            : 'server';
    if (status >= 500) req.log.error({ err: error }, 'request failed');
    if (res.headersSent) return;
    res.status(status);
    try {
      render(req, res, 'views/error', { code });
    } catch (renderError) {
      req.log.error({ err: renderError }, 'error page failed');
      res.type('text').send('Something went wrong.');
    }
  });

  return app;
}
