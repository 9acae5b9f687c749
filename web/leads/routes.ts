import type { Client } from '@temporalio/client';
import { type Request, type Response } from 'express';
import type { Knex } from 'knex';
import {
  findLead,
  leadHistory,
  leadManagerLookups,
  leadStatuses,
  listLeads,
  updateLeadDetails,
  type LeadDetail,
  type LeadFilter,
  type LeadRow,
} from '../../db/leadManager';
import { formatListCursor, parseListCursor, type ListCursor } from '../../lib/listCursor';
import { leadCustomerId } from '../../db/customerTimeline';
import { messagesForLead } from '../../db/messages';
import { closedLeadStatuses, mayEditLead } from '../../lib/permissions';
import { plateChanged } from '../../clients/temporal';
import { formatCalendarDateMedium, formatLocalDateTimeShort } from '../../lib/time';
import { leadWorkflowId } from '../../workflows/lead.contract';
import type { FieldErrors } from '../errors';
import { requireStaff } from '../middleware/auth';
import { requirePermission } from '../middleware/permissions';
import { render } from '../render';
import { newLeadsBadge, wantsFragment } from './badge';
import { leadFormValues, leadFormValuesOf, parseLeadForm, parseLeadFilter, type LeadFormValues } from './form';
import { featureRouter } from '../router';

const view = (name: string) => `leads/views/${name}`;
/** Rows per page of the lead manager. */
const leadsPerPage = 50;

/** A query parameter sent twice arrives as an array: the first one counts. */
const single = (value: unknown) => (Array.isArray(value) ? value[0] : value);

/** The lead manager with these filters, from `before` on: the pager's links keep the filters. */
function leadListUrl(filter: LeadFilter, before?: ListCursor): string {
  const params = new URLSearchParams({ status: filter.status });
  if (filter.locationId) params.set('location', String(filter.locationId));
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  if (filter.search) params.set('q', filter.search);
  if (before) params.set('before', formatListCursor(before));
  return `/staff/leads?${params}`;
}

/** "Tue, 1 Dec 2026": a desired day, as a calendar day (no time zone involved). */
const desiredDay = formatCalendarDateMedium;

/** M1, M4-M6 staff side: the lead manager (filters, live search, refresh), the lead page with its edit form, the badge. */
export function createLeadsRouter({ db, temporal }: { db: Knex; temporal: Client }) {
  const router = featureRouter();
  // The badge polls from every staff page: when the permission was taken away meanwhile, htmx's
  // "stop polling" status 286 with no content removes it instead of swapping in an error page.
  router.get('/staff/leads/badge', requireStaff, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!req.permissions?.lead_manager) return res.status(286).end();
    render(req, res, view('_badge'), { leadBadge: await newLeadsBadge(db, req) });
  });

  router.use('/staff/leads', requireStaff, requirePermission(db, 'lead_manager'));

  router.get('/staff/leads', async (req, res) => {
    const companyId = req.staff!.company_id;
    const filter = parseLeadFilter(req.query);
    const fragment = wantsFragment(req);
    // The table alone (polling, live search) needs neither the location choices nor the acceptor warning.
    const before = parseListCursor(single(req.query.before));
    const [{ leads, next }, { refreshSeconds, locations, acceptorSet }] = await Promise.all([
      listLeads(db, companyId, filter, { before, limit: leadsPerPage }),
      leadManagerLookups(db, companyId, { locationId: filter.locationId, wholePage: !fragment }),
    ]);
    // The template asks for each row's labels: no copy of the fifty rows to add them. Desired days repeat down
    // the table: each is worded once.
    const days = new Map<string, string>();
    const labels = {
      createdLabel: (lead: LeadRow) => formatLocalDateTimeShort(lead.created_at, lead.time_zone, req.language),
      desiredLabel: ({ desired_date: day }: LeadRow) => {
        let label = days.get(day);
        if (label === undefined) days.set(day, (label = desiredDay(day, req.language)));
        return label;
      },
    };
    res.set('Cache-Control', 'no-store');
    render(
      req,
      res,
      view('leads'),
      {
        leads,
        ...labels,
        olderUrl: next ? leadListUrl(filter, next) : '',
        newestUrl: before ? leadListUrl(filter) : '',
        // The table's refresh polls the page it shows, with the filters as they stand in the form.
        pollUrl: before ? `/staff/leads?before=${formatListCursor(before)}` : '/staff/leads',
        filter,
        statuses: leadStatuses,
        locations,
        refreshSeconds,
        acceptorMissing: !acceptorSet,
      },
      fragment ? view('_leadTable') : undefined,
    );
  });

  const leadOf = async (req: Request): Promise<LeadDetail | undefined> => {
    const id = Number(req.params.id);
    return Number.isSafeInteger(id) && id > 0 ? findLead(db, req.staff!.company_id, id) : undefined;
  };

  async function leadPage(req: Request, res: Response, lead: LeadDetail, values: LeadFormValues, errors: FieldErrors = {}) {
    const [history, messages, customerId] = await Promise.all([
      leadHistory(db, lead.id),
      messagesForLead(db, lead.id),
      leadCustomerId(db, req.staff!.company_id, lead.id),
    ]);
    const at = (date: Date) => formatLocalDateTimeShort(date, lead.time_zone, req.language);
    render(req, res, view('lead'), {
      lead,
      customerId,
      createdLabel: at(lead.created_at),
      consentLabel: at(lead.gdpr_consent_at),
      desiredLabel: desiredDay(lead.desired_date, req.language),
      history: history.map((event) => ({ ...event, atLabel: at(event.at) })),
      messages: messages.map((message) => ({ ...message, when: at(message.created_at) })),
      editable: mayEditLead(lead.status, req.permissions!),
      closed: closedLeadStatuses.includes(lead.status),
      values,
      errors,
      saved: req.query.saved === '1',
      rejected: req.query.done === 'rejected',
    });
  }

  router.get('/staff/leads/:id', async (req, res, next) => {
    const lead = await leadOf(req);
    if (!lead) return next();
    await leadPage(req, res, lead, leadFormValuesOf(lead));
  });

  router.post('/staff/leads/:id', async (req, res, next) => {
    const lead = await leadOf(req);
    if (!lead) return next();
    const forbidden = () => {
      res.status(403);
      next(Object.assign(new Error(`lead ${lead.id} is ${lead.status}: read-only without edit_closed_leads`), { status: 403, code: 'forbidden' }));
    };
    if (!mayEditLead(lead.status, req.permissions!)) return forbidden();
    const values = leadFormValues(req.body);
    const result = parseLeadForm(values);
    if (!result.ok) {
      res.status(422);
      return leadPage(req, res, lead, values, result.errors);
    }
    const changed = await updateLeadDetails(db, req.staff!.company_id, lead.id, result.details, { closedAllowed: req.permissions!.edit_closed_leads });
    // Closed while the form was open (a colleague rejected it, the customer cancelled).
    if (!changed) return forbidden();
    await plateChanged(temporal, leadWorkflowId(lead.id), lead.plate, result.details.plate);
    res.redirect(303, `/staff/leads/${lead.id}?saved=1`);
  });

  return router;
}
