import { appointmentSampleCsv } from '../../lib/csv/appointments';
import { requireRole, requireStaff } from '../middleware/auth';
import { sendFailingLines } from '../failingLines';
import { render } from '../render';
import { featureRouter, rowId } from '../router';
import { importPage, importRuns, runNow, runReport, saveSource, testSource, type ImportPageDeps } from './service';

const notices = new Set(['saved', 'started', 'running', 'noSource']);

/**
 * D5/W2 settings (admin): the company's import source (SFTP, FTP or watched
 * folder) with a connection test, "Run now", the runs and each run's report.
 */
export function createImportSettingsRouter(deps: ImportPageDeps) {
  const router = featureRouter();
  router.use('/staff/settings/imports', requireStaff, requireRole('admin'));

  router.get('/staff/settings/imports', async (req, res) => {
    const page = await importPage(deps, req.staff!.company_id);
    const notice = typeof req.query.notice === 'string' && notices.has(req.query.notice) ? req.query.notice : undefined;
    render(req, res, 'imports/views/settings', { ...page, errors: {}, notice, test: undefined }, 'imports/views/_runs');
  });

  router.post('/staff/settings/imports', async (req, res) => {
    const result = await saveSource(deps, req.staff!.company_id, req.body);
    if (result.ok) return res.redirect(303, '/staff/settings/imports?notice=saved');
    const page = await importPage(deps, req.staff!.company_id);
    res.status(422);
    render(req, res, 'imports/views/settings', { ...page, values: { ...req.body, secret: '' }, errors: result.errors, notice: undefined, test: undefined });
  });

  // With htmx the button swaps in only the result; without JS the page comes back with it, the typed values kept.
  router.post('/staff/settings/imports/test', async (req, res) => {
    const test = await testSource(deps, req.staff!.company_id, req.body);
    const page = await importPage(deps, req.staff!.company_id);
    const errors = 'errors' in test ? test.errors : {};
    if ('errors' in test) res.status(422);
    render(req, res, 'imports/views/settings', { ...page, values: { ...req.body, secret: '' }, errors, notice: undefined, test }, 'imports/views/_test');
  });

  router.post('/staff/settings/imports/run', async (req, res) => {
    const outcome = await runNow(deps, req.staff!.company_id);
    res.redirect(303, `/staff/settings/imports?notice=${outcome}`);
  });

  router.get('/staff/settings/imports/runs/:id', async (req, res, next) => {
    const report = await runReport(deps, req.staff!.company_id, rowId(req.params.id)!);
    if (!report) return next();
    render(req, res, 'imports/views/report', { ...report });
  });

  // The report's failing lines as the planner's file had them, to fix and drop again.
  router.get('/staff/settings/imports/runs/:id/errors.csv', async (req, res, next) => {
    const report = await runReport(deps, req.staff!.company_id, rowId(req.params.id)!);
    await sendFailingLines(deps.db, report?.run, req, res, next);
  });

  router.get('/staff/settings/imports/sample.csv', (_req, res) => {
    res.type('text/csv; charset=utf-8').attachment('appointments-sample.csv').send(appointmentSampleCsv());
  });

  // The runs table re-reads itself while an import is running.
  router.get('/staff/settings/imports/runs', async (req, res) => {
    render(req, res, 'imports/views/_runs', await importRuns(deps, req.staff!.company_id));
  });

  return router;
}
