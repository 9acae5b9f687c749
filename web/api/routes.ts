import express, { type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import type { Client } from '@temporalio/client';
import { authenticateApiKey } from '../../db/apiKeys';
import { createRateLimit } from '../middleware/rateLimit';
import { openApiFile } from './openapi';
import { pushAppointments, badRequest, type Problem } from './service';

declare global {
  namespace Express {
    interface Request {
      /** the company whose API key the request carries (W2) */
      apiCompanyId?: number;
    }
  }
}

export interface PlannerApiDeps {
  db: Knex;
  temporal: Client;
  taskQueue: string;
  /** requests per client (IP) per minute */
  rateLimit: number;
}

const sendProblem = (res: Response, problem: Problem, headers: Record<string, string> = {}) =>
  res.status(problem.status).set(headers).type('application/problem+json').send(JSON.stringify(problem));

const problem = (status: number, title: string, detail: string): Problem => ({ type: 'about:blank', title, status, detail });

/** `Authorization: Bearer <key>`: the key's company, or 401. */
function requireApiKey(db: Knex) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const key = match ? await authenticateApiKey(db, match[1]!) : undefined;
    if (!key) {
      const detail = match ? 'The API key is unknown or revoked.' : 'Send your API key as "Authorization: Bearer <key>".';
      return sendProblem(res, problem(401, 'Unauthorized', detail), { 'WWW-Authenticate': `Bearer realm="api"${match ? ', error="invalid_token"' : ''}` });
    }
    req.apiCompanyId = key.companyId;
    next();
  };
}

/**
 * W2: the planning system's push API and its OpenAPI document. Mounted
 * before the session and CSRF middleware: an API client has no cookies and
 * proves itself with its key on every request. The body is read only after
 * the key checks out, as JSON of at most 1 MB; every refusal is
 * application/problem+json, never an HTML page.
 */
export function createPlannerApiRouter({ db, temporal, taskQueue, rateLimit }: PlannerApiDeps) {
  const router = express.Router();

  router.get(['/api/openapi.yaml', '/api/openapi.json'], (req, res) => {
    // JSON is YAML 1.2: the .yaml address serves the same text for YAML tools.
    res.type(req.path.endsWith('.yaml') ? 'application/yaml' : 'application/json').sendFile(openApiFile);
  });

  const limit = createRateLimit({
    db,
    name: 'planner-api',
    limit: rateLimit,
    windowMs: 60_000,
    refuse: (_req, res, minutes) => {
      sendProblem(res, problem(429, 'Too Many Requests', `Too many requests; try again in ${minutes} minute(s).`));
    },
  });
  const json = express.json({ limit: '1mb', strict: true });

  router.post('/api/v1/appointments', limit, requireApiKey(db), json, async (req, res) => {
    if (!req.is('application/json')) return sendProblem(res, problem(415, 'Unsupported Media Type', 'Send the appointments as application/json.'));
    const answer = await pushAppointments({ db, temporal, taskQueue }, req.apiCompanyId!, req.body);
    if (answer.status === 400) return sendProblem(res, answer.body);
    res.status(200).json(answer.body);
  });
  router.all('/api/v1/appointments', (_req, res) => {
    sendProblem(res, problem(405, 'Method Not Allowed', 'POST appointments here.'), { Allow: 'POST' });
  });
  router.use('/api/v1', (_req, res) => {
    sendProblem(res, problem(404, 'Not Found', 'No such API path; see /api/openapi.yaml.'));
  });

  // The body parser's refusals (not JSON, too large) and anything else that went wrong: as problems too.
  router.use('/api/v1', (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const { status, type } = error as { status?: number; type?: string };
    if (type === 'entity.parse.failed') return sendProblem(res, badRequest(`The body is not valid JSON: ${(error as Error).message}`));
    if (status === 413) return sendProblem(res, problem(413, 'Content Too Large', 'The body is larger than 1 MB: send fewer appointments at once.'));
    if (status === 415) return sendProblem(res, problem(415, 'Unsupported Media Type', (error as Error).message));
    if (status && status >= 400 && status < 500) return sendProblem(res, problem(status, 'Bad Request', (error as Error).message));
    req.log.error({ err: error }, 'planner API request failed');
    sendProblem(res, problem(500, 'Internal Server Error', 'Something went wrong on our side; the appointments sent before it are kept: push again.'));
  });

  return router;
}
