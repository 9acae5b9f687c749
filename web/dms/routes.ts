import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { dmsCustomerSampleCsv, dmsVehicleSampleCsv } from '../../lib/csv/dms';
import { loadStaff, requireStaff } from '../middleware/auth';
import { requirePermission } from '../middleware/permissions';
import { findDmsRun } from '../../db/dmsImport';
import { sendFailingLines } from '../failingLines';
import { render } from '../render';
import { featureRouter, rowId } from '../router';
import { uploadedFiles, uploadParser } from '../uploads';
import {
  changeSource,
  decideRun,
  dmsPage,
  findRun,
  mappingPosted,
  parseMapping,
  remapRun,
  runPage,
  sourceName,
  undoRun,
  uploadDmsFile,
  type DmsPageDeps,
  type FormValues,
  type SourceAction,
} from './service';
import type { FieldErrors } from '../errors';

const base = '/staff/settings/dms';
const pageNotices = new Set(['sourceAdded', 'sourceRenamed', 'sourceDeleted']);
const runNotices = new Set(['remapped', 'importing', 'cancelled', 'undoStarted', 'undoRunning', 'notDone']);
const notice = (req: Request, allowed: Set<string>) => (typeof req.query.notice === 'string' && allowed.has(req.query.notice) ? req.query.notice : undefined);

/**
 * The upload's multipart parser, mounted in web/app.ts before the CSRF check
 * like every upload route, behind the check that the staff member may import
 * at all: anyone else's body is never read to disk.
 */
export function dmsUploadRoute(deps: Pick<DmsPageDeps, 'db' | 'uploadDir' | 'maxFileBytes'>): [string, RequestHandler[]] {
  return [
    `${base}/upload`,
    [
      loadStaff(deps.db),
      requireStaff,
      requirePermission(deps.db, 'dms_datastore'),
      uploadParser({ dir: deps.uploadDir, field: 'file', maxFileBytes: deps.maxFileBytes, maxFiles: 1 }),
    ],
  ];
}

/**
 * P9/D5: the DMS datastore page (Settings), for staff with the "DMS
 * datastore" permission (M4): upload a CSV of customers or vehicles, its
 * preview with the mapping, the import's progress, failing lines, undo,
 * the history, the DMS sources and the sample files.
 */
export function createDmsRouter(deps: DmsPageDeps) {
  const router = featureRouter();
  router.use(base, requireStaff, requirePermission(deps.db, 'dms_datastore'));

  async function mainPage(req: Request, res: Response, extra: { values?: FormValues; errors?: FieldErrors; sourceErrors?: Record<string, string>; sourceValues?: Record<string, string> } = {}) {
    const page = await dmsPage(deps, req.staff!.company_id, extra.values);
    render(req, res, 'dms/views/dms', { ...page, errors: extra.errors ?? {}, sourceErrors: extra.sourceErrors ?? {}, sourceValues: extra.sourceValues ?? {}, notice: notice(req, pageNotices) }, 'dms/views/_history');
  }

  router.get(base, (req, res) => mainPage(req, res));

  router.post(`${base}/upload`, async (req, res) => {
    const result = await uploadDmsFile(deps, req.staff!, req.body, uploadedFiles(req), req.uploadRefusal);
    if (result.ok) return res.redirect(303, `${base}/runs/${result.runId}`);
    res.status(422);
    await mainPage(req, res, { values: result.values, errors: result.errors });
  });

  // ---- sources
  async function sourceChange(req: Request, res: Response, change: SourceAction, done: string, key: string) {
    const result = await changeSource(deps, req.staff!.company_id, change);
    if (result.ok) return res.redirect(303, `${base}?notice=${done}#sources`);
    res.status(result.code === 'notFound' ? 404 : result.code === 'inUse' ? 409 : 422);
    await mainPage(req, res, { sourceErrors: { [key]: `dms.sources.errors.${result.code}` }, sourceValues: 'name' in change ? { [key]: change.name } : {} });
  }
  router.post(`${base}/sources`, (req, res) => sourceChange(req, res, { action: 'add', name: sourceName(req.body) }, 'sourceAdded', 'new'));
  router.post(`${base}/sources/:id`, (req, res) => sourceChange(req, res, { action: 'rename', id: rowId(req.params.id)!, name: sourceName(req.body) }, 'sourceRenamed', String(req.params.id)));
  router.post(`${base}/sources/:id/delete`, (req, res) => sourceChange(req, res, { action: 'delete', id: rowId(req.params.id)! }, 'sourceDeleted', String(req.params.id)));

  // ---- one run
  async function showRun(req: Request, res: Response, next: NextFunction, extra: { mapping?: FormValues; errors?: FieldErrors; refusal?: string } = {}) {
    const done = notice(req, runNotices);
    const page = await runPage(deps, req.staff!.company_id, rowId(req.params.id)!, extra.mapping, done);
    if (!page) return next();
    render(req, res, 'dms/views/run', { ...page, errors: extra.errors ?? {}, refusal: extra.refusal, notice: done }, 'dms/views/_run');
  }
  const runOf = async (req: Request) => findRun(deps, req.staff!.company_id, rowId(req.params.id)!);
  const runUrl = (id: number, done: string) => `${base}/runs/${id}?notice=${done}`;

  router.get(`${base}/runs/:id`, (req, res, next) => showRun(req, res, next));

  router.get(`${base}/runs/:id/errors.csv`, async (req, res, next) => {
    await sendFailingLines(deps.db, await findDmsRun(deps.db, req.staff!.company_id, rowId(req.params.id)!), req, res, next);
  });

  router.get(`${base}/sample-customers.csv`, (_req, res) => {
    res.attachment('dms-customers-sample.csv').type('text/csv; charset=utf-8').send(dmsCustomerSampleCsv());
  });
  router.get(`${base}/sample-vehicles.csv`, (_req, res) => {
    res.attachment('dms-vehicles-sample.csv').type('text/csv; charset=utf-8').send(dmsVehicleSampleCsv());
  });

  router.post(`${base}/runs/:id/remap`, async (req, res, next) => {
    const run = await runOf(req);
    if (!run) return next();
    const parsed = parseMapping(run, req.body);
    if (!parsed.ok) {
      res.status(422);
      return showRun(req, res, next, { mapping: mappingPosted(req.body), errors: parsed.errors });
    }
    const answer = await remapRun(deps, run, parsed.options);
    if (answer.ok) return res.redirect(303, runUrl(run.id, 'remapped'));
    res.status(409);
    await showRun(req, res, next, { mapping: mappingPosted(req.body), refusal: answer.refusal });
  });

  for (const [action, done] of [['confirm', 'importing'], ['cancel', 'cancelled']] as const) {
    router.post(`${base}/runs/:id/${action}`, async (req, res, next) => {
      const run = await runOf(req);
      if (!run) return next();
      const answer = await decideRun(deps, run, action);
      if (answer.ok) return res.redirect(303, runUrl(run.id, done));
      res.status(409);
      await showRun(req, res, next, { refusal: answer.refusal });
    });
  }

  router.post(`${base}/runs/:id/undo`, async (req, res, next) => {
    const run = await runOf(req);
    if (!run) return next();
    const outcome = await undoRun(deps, run, req.staff!.id);
    res.redirect(303, runUrl(run.id, outcome === 'started' ? 'undoStarted' : outcome === 'running' ? 'undoRunning' : 'notDone'));
  });

  return router;
}
