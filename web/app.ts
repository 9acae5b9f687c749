import type { Client } from '@temporalio/client';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import type pg from 'pg';
import { fromRoot } from '../lib/appRoot';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { createPlannerApiRouter } from './api/routes';
import { createApiKeysRouter } from './api/keys';
import { createAppointmentsRouter } from './appointments/routes';
import { createBoardEventsRouter } from './board/events';
import { createBoardRouter } from './board/routes';
import { createBookingRouter, estimateUploadGate } from './booking/routes';
import { checkinUploadGate, createCheckinRouter } from './checkin/routes';
import { checkinUploadParser } from './checkin/uploads';
import { createConversationsRouter } from './conversations/routes';
import { createCustomersRouter } from './customers/routes';
import { createDmsRouter, dmsUploadRoute } from './dms/routes';
import { UserError } from './errors';
import { createImportSettingsRouter } from './imports/routes';
import { createLeadAppointmentRouter } from './leads/appointment';
import { loadLeadBadge } from './leads/badge';
import { createServiceBookingRouter } from './leads/portal/routes';
import { createLeadRejectRouter } from './leads/reject';
import { createLeadsRouter } from './leads/routes';
import { leadEvents } from './leads/service';
import { createOnlineBookingRouter } from './leads/settings';
import { accessLog } from './middleware/accessLog';
import { loadStaff } from './middleware/auth';
import { formTextMiddleware, parseQuery } from './middleware/formText';
import { refuseControlCharactersInPath } from './middleware/paths';
import { uploadRateLimit } from './middleware/uploadRateLimit';
import { csrfMiddleware } from './middleware/csrf';
import { languageMiddleware } from './middleware/language';
import { loadPermissions } from './middleware/permissions';
import { sessionMiddleware } from './middleware/session';
import { createPortalRouter } from './portal/routes';
import { rememberPeerTrust } from './proxyTrust';
import { render } from './render';
import { createJobsRouter } from './jobs/routes';
import { createJobEditRouter } from './jobs/edit';
import { createMessagingRouter, messagingLocals } from './messaging/routes';
import type { LiveChanges } from './live';
import { PortalLocations, usePortalLocations } from './portalLocations';
import { createLocationServicesRouter } from './staff/locationServices';
import { createStaffRouter } from './staff/routes';
import { createRepairRouter } from './repair/routes';
import { createJobPhotosRouter, jobPhotoUploadGate } from './status/photos';
import { createStatusRouter } from './status/routes';
import { createTemplatesRouter } from './templates/routes';
import { createVisitRouter } from './visit/routes';
import { createWebhooksRouter } from './webhooks/routes';
import { featureRouter, routersUnder } from './router';
import { photoUploadParser } from './uploads';

export interface AppDeps {
  config: Config;
  db: Knex;
  pool: pg.Pool;
  temporal: Client;
  i18n: i18n;
  log: Logger;
  changes: LiveChanges;
}

export function createApp({ config, db, pool, temporal, i18n, log, changes }: AppDeps) {
  const app = express();
  const production = config.NODE_ENV === 'production';
  app.set('trust proxy', config.TRUST_PROXY);
  rememberPeerTrust(app);
  app.disable('x-powered-by');
  // Pages are rendered per visitor (CSRF tokens, live state) and never answered 304: an ETag was a SHA-1 of every
  // page and a Buffer copy of it for nothing. Static files keep theirs (express.static, sendFile).
  app.set('etag', false);

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'img-src': ["'self'", 'data:', 'blob:'], 'upgrade-insecure-requests': production ? [] : null },
      },
      strictTransportSecurity: production,
    }),
  );
  app.use('/static', express.static(fromRoot('web', 'public'), { maxAge: production ? '1d' : 0 }));
  const vendor = fromRoot('node_modules');
  // Relative to a root: a checkout in a folder whose name starts with a dot (~/.src/workshop) serves them too.
  app.get('/static/htmx.min.js', (_req, res) => res.sendFile('htmx.org/dist/htmx.min.js', { root: vendor }));
  app.get('/static/htmx-sse.min.js', (_req, res) => res.sendFile('htmx-ext-sse/dist/sse.min.js', { root: vendor }));
  app.get('/static/sortable.min.js', (_req, res) => res.sendFile('sortablejs/Sortable.min.js', { root: vendor }));
  app.get('/healthz', async (_req, res) => {
    await db.raw('select 1');
    res.json({ ok: true });
  });

  app.use(accessLog(app, log, { ignore: (req) => req.url.startsWith('/static') }));
  app.use(cookieParser());
  // Before anything that can refuse a request, so every refusal is worded in the visitor's language.
  const language = languageMiddleware(i18n, production);
  app.use(language);
  app.use(refuseControlCharactersInPath());
  // W2: the planner API authenticates by key, not by session, and answers JSON: before sessions, CSRF and the form parser.
  app.use(routersUnder(['/api'], [createPlannerApiRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, rateLimit: config.API_RATE_LIMIT })]));
  // W5: the providers' webhooks read their raw body (its signature is their check): before the form parser, sessions and CSRF.
  const webhookDeps = { db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, config, log };
  app.use(routersUnder(['/webhooks'], [createWebhooksRouter(webhookDeps)]));
  // Values of query strings and forms reach the routes with LF line breaks and without control characters (a NUL
  // made PostgreSQL refuse them). 1 MB: a text far longer than any field takes is refused by that field's own
  // validation, with everything typed kept; beyond that, the error page says what to do.
  app.set('query parser', parseQuery);
  app.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 1000 }));
  app.use(formTextMiddleware());
  app.use(
    sessionMiddleware({
      app,
      pool,
      secret: config.SESSION_SECRET,
      idleTimeoutMs: config.SESSION_IDLE_TIMEOUT,
      absoluteTimeoutMs: config.SESSION_ABSOLUTE_TIMEOUT,
      secureCookies: production,
    }).handlers,
  );

  const uploads = { dir: config.UPLOAD_DIR, maxBytes: config.UPLOAD_MAX_BYTES, maxFiles: config.UPLOAD_MAX_FILES };
  const checkinUploads = {
    dir: config.UPLOAD_DIR,
    photoMaxBytes: config.UPLOAD_MAX_BYTES,
    videoMaxBytes: config.CHECKIN_VIDEO_MAX_BYTES,
    maxFiles: config.UPLOAD_MAX_FILES,
    maxBytesPerCheckin: config.CHECKIN_MAX_BYTES,
  };
  const checkinDeps = { db, i18n, uploads: checkinUploads, defaultCountryCode: config.SMS_DEFAULT_COUNTRY_CODE };
  // The only routes whose multipart bodies are read. Each body is read only after the request is known to be
  // allowed there (the gate), within the client's upload volume, and its files are written only once the form's
  // CSRF token checks out; the CSRF check below then covers the fields. Anywhere else a multipart body is never
  // parsed, so the CSRF check finds no token and refuses it.
  const uploadRoutes = featureRouter();
  const volume = uploadRateLimit({ db, maxBytes: config.UPLOAD_RATE_LIMIT_BYTES, windowMs: config.UPLOAD_RATE_LIMIT_WINDOW });
  uploadRoutes.post('/p/:slug/estimate/vehicle', estimateUploadGate(db), volume, photoUploadParser(uploads));
  uploadRoutes.post('/p/:slug/photos/:jobNumber', jobPhotoUploadGate(db), volume, photoUploadParser(uploads));
  uploadRoutes.post('/c/:token/remarks', checkinUploadGate(checkinDeps), volume, checkinUploadParser(checkinUploads));
  // P9: staff with the DMS datastore permission upload a DMS export (up to DMS_MAX_FILE_BYTES, not the anonymous routes' volume).
  const dmsDeps = { db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, uploadDir: config.UPLOAD_DIR, maxFileBytes: config.DMS_MAX_FILE_BYTES };
  uploadRoutes.post(...dmsUploadRoute(dmsDeps));
  // Only form posts upload: any other request passes by without being matched against these routes.
  app.use((req, res, next) => (req.method === 'POST' ? uploadRoutes(req, res, next) : next()));
  app.use(csrfMiddleware(app, { secret: config.SESSION_SECRET, secureCookies: production }));
  app.use(loadStaff(db));
  app.use(messagingLocals({ smsProvider: config.SMS_PROVIDER, whatsappProvider: config.WHATSAPP_PROVIDER }));
  // M4/M6: what the staff member may do and the New-leads count, for every staff page.
  app.use(loadPermissions(db), loadLeadBadge(db));

  usePortalLocations(app, new PortalLocations(db, changes));
  const leadDeps = { db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE };
  const smsAvailable = config.SMS_PROVIDER !== 'none';
  const whatsappAvailable = config.WHATSAPP_PROVIDER !== 'none';
  // The customers' pages (the root page, /p/, /b/, /c/, /l/, /v/) and the back office (/staff/) each as one group:
  // a request passes only its own group's routes, not every router's in turn.
  app.use(
    routersUnder(['/', '/p', '/b', '/c', '/l', '/v'], [
      createPortalRouter({ db }),
      createBookingRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, linkTtlMs: config.BOOKING_LINK_TTL, uploads }),
      createStatusRouter({ db, changes, lookupLimit: config.LOOKUP_RATE_LIMIT }),
      createCheckinRouter(checkinDeps),
      createJobPhotosRouter({ db, uploads }),
      createRepairRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, linkTtlMs: config.BOOKING_LINK_TTL }),
      createServiceBookingRouter(leadDeps),
      createVisitRouter({ ...leadDeps, leads: leadEvents(leadDeps), i18n, publicUrl: config.PUBLIC_URL }),
    ]),
  );
  app.use(
    routersUnder(['/staff'], [
      createStaffRouter({ db, secureCookies: production }),
      createBoardRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE }),
      createBoardEventsRouter({ db, changes, log }),
      createJobEditRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE }),
      createJobsRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, uploadDir: config.UPLOAD_DIR }),
      createTemplatesRouter({ db, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, publicUrl: config.PUBLIC_URL }),
      createMessagingRouter({
        db,
        i18n,
        publicUrl: config.PUBLIC_URL,
        smsProvider: config.SMS_PROVIDER,
        whatsappProvider: config.WHATSAPP_PROVIDER,
        webhooks: webhookDeps,
      }),
      createLeadRejectRouter({ ...leadDeps, i18n, smsAvailable }),
      createLeadAppointmentRouter(leadDeps),
      createAppointmentsRouter({ ...leadDeps, smsAvailable, leads: leadEvents(leadDeps), uploadDir: config.UPLOAD_DIR, i18n, publicUrl: config.PUBLIC_URL }),
      createCustomersRouter({ db }),
      createConversationsRouter({ ...leadDeps, smsAvailable, whatsappAvailable }),
      createLocationServicesRouter({ db }),
      createLeadsRouter({ db, temporal }),
      createOnlineBookingRouter({ db, whatsappAvailable }),
      createApiKeysRouter({ db, publicUrl: config.PUBLIC_URL }),
      createDmsRouter(dmsDeps),
      createImportSettingsRouter({
        db,
        temporal,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        importDir: config.IMPORT_DIR,
        secretKey: config.IMPORT_SECRET_KEY,
        connectTimeoutMs: config.IMPORT_CONNECT_TIMEOUT,
      }),
    ]),
  );

  app.use((req: Request, res: Response) => {
    res.status(404);
    render(req, res, 'portal/views/notFound');
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    // Refused before the language was known (a malformed request): word it in the visitor's language all the same.
    if (!res.locals.t) language(req, res, () => undefined);
    // A path with a broken %-escape names no page of ours.
    if (error instanceof URIError) {
      res.status(404);
      return render(req, res, 'portal/views/notFound');
    }
    const { status, code } = errorPage(error);
    if (status >= 500) req.log.error({ err: error }, 'request failed');
    else req.log.info({ err: error, status }, 'request refused');
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

/** The status and the error page's text (errors.page.<code>) for what went wrong. */
function errorPage(error: unknown): { status: number; code: string } {
  const { status: given, statusCode, code } = error as { status?: number; statusCode?: number; code?: string };
  const status = given ?? statusCode ?? 500;
  if (error instanceof UserError) return { status, code: error.code };
  if (code === 'EBADCSRFTOKEN') return { status, code: 'csrf' };
  // The body parsers' refusals: too large or too many fields (413), or unreadable (4xx below).
  if (status === 413) return { status, code: 'tooLarge' };
  if (status === 403) return { status, code: 'forbidden' };
  if (status >= 400 && status < 500) return { status, code: 'badRequest' };
  return { status, code: 'server' };
}
