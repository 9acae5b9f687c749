import { type Request, type Response } from 'express';
import { findLocation, type Location } from '../../../db/locations';
import { portalLocation } from '../../portalLocations';
import { formatCalendarDate } from '../../../lib/time';
import { fieldErrors, parseForm } from '../../errors';
import { render } from '../../render';
import { desiredDateRange, serviceRequestSchema, timeWindows } from './form';
import { cancelByCustomer, leadByCancelToken, submitServiceRequest, type LeadDeps } from '../service';
import { featureRouter } from '../../router';

const view = (name: string) => `leads/portal/views/${name}`;

/** M1 the customer's online service request, and M3 the cancel link from its acknowledgement. */
export function createServiceBookingRouter(deps: LeadDeps) {
  const router = featureRouter();

  async function serviceLocation(req: Request, res: Response): Promise<Location | undefined> {
    const location = await portalLocation(req);
    if (!location?.portal_enabled || !location.service_booking_enabled) {
      res.status(404);
      render(req, res, 'portal/views/notFound');
      return undefined;
    }
    res.locals.location = location;
    return location;
  }

  const form = (req: Request, res: Response, location: Location, values: Record<string, unknown>, errors: Record<string, string>) =>
    render(req, res, view('request'), { values, errors, range: desiredDateRange(location), timeWindows });

  router.get('/p/:slug/service', async (req, res) => {
    const location = await serviceLocation(req, res);
    if (!location) return;
    form(req, res, location, { timeWindow: 'any', services: [] }, {});
  });

  router.post('/p/:slug/service', async (req, res) => {
    const location = await serviceLocation(req, res);
    if (!location) return;
    const parsed = parseForm(serviceRequestSchema(location), req.body);
    const values = { ...req.body, services: [req.body.services ?? []].flat() };
    if (!parsed.success) {
      res.status(422);
      return form(req, res, location, values, fieldErrors(parsed.error.issues));
    }
    await submitServiceRequest(deps, location, req.language, parsed.data);
    req.session.serviceRequestSentTo = parsed.data.email;
    res.redirect(303, `/p/${location.slug}/service/sent`);
  });

  router.get('/p/:slug/service/sent', async (req, res) => {
    const location = await serviceLocation(req, res);
    if (!location) return;
    render(req, res, view('sent'), { email: req.session.serviceRequestSentTo ?? '' });
  });

  // M3: the link in the acknowledgement. GET only shows; the cancel is a POST.
  router.get('/l/:token', async (req, res) => {
    const lead = await findByToken(req, res);
    if (lead) render(req, res, view('cancel'), { lead, token: req.params.token, date: formatCalendarDate(lead.desired_date, req.language) });
  });

  router.post('/l/:token', async (req, res) => {
    const outcome = await cancelByCustomer(deps, String(req.params.token));
    if (!outcome) return unknownLink(req, res);
    res.redirect(303, `/l/${encodeURIComponent(String(req.params.token))}`);
  });

  async function findByToken(req: Request, res: Response) {
    const lead = await leadByCancelToken(deps, String(req.params.token));
    if (!lead) {
      unknownLink(req, res);
      return undefined;
    }
    res.locals.location = await findLocation(deps.db, lead.location_id);
    return lead;
  }

  function unknownLink(req: Request, res: Response) {
    res.status(404);
    render(req, res, view('unknownLink'));
  }

  return router;
}
