import type { NextFunction, Request, Response } from 'express';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { offeredServices, saveContactPreferences, submitCheckin, type CheckinAppointment } from '../../db/checkin';
import { checkinItemsOf } from '../../db/checkinItems';
import { workLinesOf } from '../../db/workLines';
import { fixedT, isLanguage } from '../../lib/i18n';
import { formatPrice, totalsByCurrency } from '../../lib/money';
import { fieldErrors, type FieldErrors, parseForm } from '../errors';
import { render } from '../render';
import { appointmentTimes, checkinByToken, checkinState, smsOffered, type CheckinState } from './service';
import { deleteCheckinFiles } from '../../lib/uploadFiles';
import { uploadedFiles } from '../uploads';
import { RefusedFileError, storeCheckinFile, withStoredFiles, type CheckinUploadLimits } from './uploads';
import { maxRemarks, missingStepBefore, newDraft, parseServiceAnswers, remarkSchema, steps, welcomeSchema, type CheckinDraft, type Step } from './wizard';
import { oncePerRequest } from '../perRequest';
import { sessionIfAny } from '../middleware/session';
import { featureRouter } from '../router';

export interface CheckinDeps {
  db: Knex;
  i18n: i18n;
  uploads: CheckinUploadLimits;
  /** for checking phone numbers typed without a country code (SMS_DEFAULT_COUNTRY_CODE) */
  defaultCountryCode: string;
}

interface Checkin {
  appointment: CheckinAppointment;
  draft: CheckinDraft;
  state: CheckinState;
  base: string;
}

const view = (name: string) => `checkin/views/${name}`;

/** The check-in of the link, with this browser's draft, once per request; the "invalid link" page when there is none. */
const load = oncePerRequest(async (req: Request, res: Response, deps: CheckinDeps): Promise<Checkin | undefined> => {
  const { db, i18n } = deps;
  // The token is the customer's key: never cached, never sent on to the "more information" links.
  res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
  const appointment = await checkinByToken(db, String(req.params.token));
  if (!appointment) {
    res.status(404);
    render(req, res, view('invalid'));
    return undefined;
  }
  // The appointment's language, unless the customer picked one (?lang=, remembered in a cookie).
  if (!isLanguage(req.query.lang) && !isLanguage(req.cookies?.lang) && isLanguage(appointment.language)) {
    req.language = appointment.language;
    res.locals.lang = appointment.language;
    res.locals.t = fixedT(i18n, appointment.language);
  }
  const base = `/c/${String(req.params.token)}`;
  const key = String(appointment.id);
  let draft = sessionIfAny(req)?.checkin?.[key];
  if (!draft) {
    draft = newDraft();
    // Only a form post keeps a draft: a customer who only reads leaves no session behind.
    if (req.method === 'POST') req.session.checkin = { ...req.session.checkin, [key]: draft };
  }
  Object.assign(res.locals, {
    base,
    appointment,
    location: { name: appointment.location_name, slug: appointment.location_slug },
    when: appointmentTimes(appointment, req.language),
    price: (cents: number, currency: string) => formatPrice(cents, currency, req.language),
    steps,
  });
  return { appointment, draft, state: checkinState(appointment), base };
});

/** Loads a step that can still be filled in; sends the customer to where they belong otherwise. */
async function step(deps: CheckinDeps, req: Request, res: Response, name: Step): Promise<Checkin | undefined> {
  const c = await load(req, res, deps);
  if (!c) return undefined;
  if (c.state !== 'open') {
    res.redirect(303, c.base);
    return undefined;
  }
  const missing = missingStepBefore(c.draft, name);
  if (missing) {
    res.redirect(303, missing === 'welcome' ? c.base : `${c.base}/${missing}`);
    return undefined;
  }
  res.locals.step = name;
  return c;
}

/**
 * The check the remark form's upload passes before its body is read
 * (web/app.ts): a valid link whose check-in is open, at the remarks step.
 */
export function checkinUploadGate(deps: CheckinDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (await step(deps, req, res, 'remarks')) next();
  };
}

/**
 * C2-C4: the customer's online check-in page behind the link of the check-in
 * message (`/c/<token>`). Each step is a plain form posting to its own URL,
 * redirecting on success (PRG); the answers wait in the session until the
 * customer sends them from the review step. Contact corrections (welcome
 * step) are saved at once.
 */
export function createCheckinRouter(deps: CheckinDeps) {
  const router = featureRouter();
  const { db, uploads } = deps;

  // ---- welcome (C4), or the summary once sent --------------------------------

  function welcomePage(req: Request, res: Response, c: Checkin, values: Record<string, unknown>, errors: FieldErrors) {
    render(req, res, view('welcome'), {
      values,
      errors,
      smsOffered: smsOffered(c.appointment),
      step: 'welcome',
    });
  }

  router.get('/c/:token', async (req, res) => {
    const c = await load(req, res, deps);
    if (!c) return;
    if (c.state === 'completed') return render(req, res, view('done'), { items: await checkinItemsOf(db, c.appointment.id) });
    if (c.state === 'closed') return render(req, res, view('closed'));
    const { email, phone, preferred_channel } = c.appointment;
    welcomePage(req, res, c, { email, phone, channel: preferred_channel }, {});
  });

  router.post('/c/:token/welcome', async (req, res) => {
    const c = await step(deps, req, res, 'welcome');
    if (!c) return;
    const parsed = parseForm(welcomeSchema({ smsOffered: smsOffered(c.appointment), defaultCountryCode: deps.defaultCountryCode }), req.body);
    if (!parsed.success) {
      res.status(422);
      return welcomePage(req, res, c, req.body, fieldErrors(parsed.error.issues));
    }
    const { email, phone } = parsed.data;
    // Without SMS there is nothing to choose: the stored preference stays as it is.
    const channel = smsOffered(c.appointment) ? (parsed.data.channel ?? c.appointment.preferred_channel) : undefined;
    await saveContactPreferences(db, c.appointment.id, { email, phone, channel });
    c.draft.welcomeDone = true;
    res.redirect(303, `${c.base}/details`);
  });

  // ---- details and planned work (C2), read only ------------------------------

  router.get('/c/:token/details', async (req, res) => {
    const c = await step(deps, req, res, 'details');
    if (!c) return;
    render(req, res, view('details'));
  });

  router.get('/c/:token/work', async (req, res) => {
    const c = await step(deps, req, res, 'work');
    if (!c) return;
    const lines = await workLinesOf(db, c.appointment.id);
    render(req, res, view('work'), { lines, totals: totalsByCurrency(lines) });
  });

  // ---- optional services (C2) ------------------------------------------------

  router.get('/c/:token/services', async (req, res) => {
    const c = await step(deps, req, res, 'services');
    if (!c) return;
    const answers = Object.fromEntries(c.draft.services.map((s) => [s.serviceId, s.answer]));
    render(req, res, view('services'), { services: await offeredServices(db, c.appointment.location_id), answers });
  });

  router.post('/c/:token/services', async (req, res) => {
    const c = await step(deps, req, res, 'services');
    if (!c) return;
    c.draft.services = parseServiceAnswers(req.body, await offeredServices(db, c.appointment.location_id));
    c.draft.servicesDone = true;
    res.redirect(303, `${c.base}/remarks`);
  });

  // ---- remarks with photos and videos (C3) -----------------------------------

  function remarksPage(
    req: Request,
    res: Response,
    c: Checkin,
    values: Record<string, unknown>,
    errors: FieldErrors,
    refused: Record<RefusedFileError['reason'], string[]> = { type: [], size: [], full: [] },
  ) {
    render(req, res, view('remarks'), {
      values,
      errors,
      refused,
      draft: c.draft,
      photoMegabytes: Math.floor(uploads.photoMaxBytes / 1024 / 1024),
      videoMegabytes: Math.floor(uploads.videoMaxBytes / 1024 / 1024),
      checkinMegabytes: Math.floor(uploads.maxBytesPerCheckin / 1024 / 1024),
      maxFiles: uploads.maxFiles,
      maxRemarks,
      full: c.draft.remarks.length >= maxRemarks,
    });
  }

  router.get('/c/:token/remarks', async (req, res) => {
    const c = await step(deps, req, res, 'remarks');
    if (!c) return;
    remarksPage(req, res, c, {}, {});
  });

  /**
   * Adds the remark being written ("Add this remark"), or goes on to the
   * review ("Next"), adding it first if anything was typed or attached.
   * Good files are kept even when another one or the text is refused, so
   * the customer never has to choose them again.
   */
  router.post('/c/:token/remarks', async (req, res) => {
    const c = await step(deps, req, res, 'remarks');
    if (!c) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    // Files not moved into place here are removed with the upload's folder when the answer is sent.
    const files = uploadedFiles(req);
    const errors: FieldErrors = {};
    const refused: Record<RefusedFileError['reason'], string[]> = { type: [], size: [], full: [] };
    const typed = [body.subject, body.description].some((value) => typeof value === 'string' && value.trim() !== '');
    if (c.draft.remarks.length >= maxRemarks) {
      // Full: nothing more is stored; "Next" with nothing typed goes on to the review.
      if (body.action === 'next' && !typed && files.length === 0 && c.draft.pendingFiles.length === 0) return res.redirect(303, `${c.base}/review`);
      res.status(422);
      return remarksPage(req, res, c, body, { form: 'tooManyRemarks' });
    }
    if (req.uploadRefusal) {
      errors.files = req.uploadRefusal;
    } else if (c.draft.pendingFiles.length + files.length > uploads.maxFiles) {
      errors.files = 'tooManyFiles';
    } else {
      for (const file of files) {
        try {
          c.draft.pendingFiles.push(await storeCheckinFile(db, file, c.appointment.id, uploads));
        } catch (error) {
          if (!(error instanceof RefusedFileError)) throw error;
          refused[error.reason].push(error.originalName);
        }
      }
      if (refused.full.length > 0) errors.files = 'checkinFull';
      if (refused.size.length > 0) errors.files = 'fileTooLarge';
      if (refused.type.length > 0) errors.files = 'fileType';
    }
    const adding = body.action !== 'next' || typed || c.draft.pendingFiles.length > 0;
    const remark = parseForm(remarkSchema, body);
    if (adding && !remark.success) Object.assign(errors, fieldErrors(remark.error.issues));
    if (Object.keys(errors).length > 0) {
      res.status(422);
      return remarksPage(req, res, c, body, errors, refused);
    }
    if (adding && remark.success) {
      c.draft.remarks.push({ ...remark.data, files: c.draft.pendingFiles });
      c.draft.pendingFiles = [];
    }
    res.redirect(303, body.action === 'next' ? `${c.base}/review` : `${c.base}/remarks`);
  });

  /** Takes out the entry at `index` as the form sent it; anything but a position in the list takes out nothing. */
  const removeAt = <T>(list: T[], index: unknown): T[] => {
    const at = Number(index);
    return Number.isInteger(at) && at >= 0 ? list.splice(at, 1) : [];
  };

  router.post('/c/:token/remarks/:index/delete', async (req, res) => {
    const c = await step(deps, req, res, 'remarks');
    if (!c) return;
    const [removed] = removeAt(c.draft.remarks, req.params.index);
    if (removed) await deleteCheckinFiles(uploads.dir, removed.files.map((f) => f.storedName));
    res.redirect(303, `${c.base}/remarks`);
  });

  router.post('/c/:token/attachments/:index/delete', async (req, res) => {
    const c = await step(deps, req, res, 'remarks');
    if (!c) return;
    const [removed] = removeAt(c.draft.pendingFiles, req.params.index);
    if (removed) await deleteCheckinFiles(uploads.dir, [removed.storedName]);
    res.redirect(303, `${c.base}/remarks`);
  });

  // ---- review and send -------------------------------------------------------

  router.get('/c/:token/review', async (req, res) => {
    const c = await step(deps, req, res, 'review');
    if (!c) return;
    render(req, res, view('review'), { draft: c.draft, smsOffered: smsOffered(c.appointment) });
  });

  router.post('/c/:token/submit', async (req, res) => {
    const c = await step(deps, req, res, 'review');
    if (!c) return;
    // 'already_completed' (a second tab, a double click) and 'not_open' both end on the link's own page.
    await submitCheckin(db, c.appointment.id, { services: c.draft.services, remarks: await withStoredFiles(uploads.dir, c.draft.remarks) });
    const { [String(c.appointment.id)]: _sent, ...others } = req.session.checkin ?? {};
    req.session.checkin = others;
    res.redirect(303, c.base);
  });

  return router;
}
