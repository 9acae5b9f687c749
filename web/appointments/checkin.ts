import { type Request } from 'express';
import type { Knex } from 'knex';
import { findAppointment } from '../../db/appointments';
import { convertServiceToWorkLine, findCheckinFile, markCheckinItemHandled, setRemarkVisibleToMechanics } from '../../db/checkinItems';
import { checkinFilePath } from '../../lib/uploadFiles';
import { sendUpload } from '../uploads';
import { requireRole } from '../middleware/auth';
import { mayPlan, mayPlanRoles } from './page';
import { featureRouter, rowId } from '../router';

/**
 * Staff handling of the customer's check-in answers (C6, C7) and the
 * remarks' files. Every action is a form post answered with a redirect
 * back to the appointment page (Post/Redirect/Get).
 */
export function createCheckinHandlingRouter({ db, uploadDir }: { db: Knex; uploadDir: string }) {
  const router = featureRouter();
  const planners = requireRole(...mayPlanRoles);

  /** The appointment and check-in item named in the URL, within the staff member's company. */
  const target = async (req: Request) => {
    const id = rowId(req.params.id);
    const itemId = rowId(req.params.item);
    const appointment = id && itemId ? await findAppointment(db, req.staff!.company_id, id) : undefined;
    return appointment?.status === 'planned' && itemId ? { appointment, itemId, page: `/staff/appointments/${appointment.id}` } : undefined;
  };

  // C7 "Convert": an accepted service becomes an intervention, once.
  router.post('/staff/appointments/:id/checkin/:item/convert', planners, async (req, res, next) => {
    const found = await target(req);
    if (!found) return next();
    const outcome = await convertServiceToWorkLine(db, found.appointment.id, found.itemId, req.staff!.id);
    if (outcome === 'notFound') return next();
    res.redirect(303, `${found.page}?done=${outcome}#checkin`);
  });

  // C7: "Mark as handled" for a service; for a remark "Add intervention", which handles it and
  // opens the add form prefilled from it: saved or cancelled, the remark stays handled.
  router.post('/staff/appointments/:id/checkin/:item/handle', planners, async (req, res, next) => {
    const found = await target(req);
    if (!found) return next();
    const kind = await markCheckinItemHandled(db, found.appointment.id, found.itemId, req.staff!.id);
    if (!kind) return next();
    if (kind === 'remark') return res.redirect(303, `${found.page}/work-lines/new?remark=${found.itemId}`);
    res.redirect(303, `${found.page}?done=itemHandled#checkin`);
  });

  // C6: the "visible to mechanics" switch of a remark.
  router.post('/staff/appointments/:id/checkin/:item/visibility', planners, async (req, res, next) => {
    const found = await target(req);
    if (!found) return next();
    const visible = req.body.visible === 'true';
    if (!(await setRemarkVisibleToMechanics(db, found.appointment.id, found.itemId, visible))) return next();
    res.redirect(303, `${found.page}?done=${visible ? 'remarkVisible' : 'remarkHidden'}#checkin-item-${found.itemId}`);
  });

  // A remark's photo or video, for staff of the company only (never a static URL); mechanics
  // only see the files of remarks made visible to them.
  router.get('/staff/appointments/:id/checkin-files/:file', async (req, res, next) => {
    const id = rowId(req.params.id);
    const fileId = rowId(req.params.file);
    const appointment = id && fileId ? await findAppointment(db, req.staff!.company_id, id) : undefined;
    const file = appointment && fileId ? await findCheckinFile(db, appointment.id, fileId) : undefined;
    if (!file || (!mayPlan(req) && !file.visible_to_mechanics)) return next();
    sendUpload(res, next, uploadDir, checkinFilePath(uploadDir, file.stored_name), { type: file.mime_type, cacheControl: 'private, max-age=3600' });
  });

  return router;
}
