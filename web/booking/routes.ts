import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { deletePhotosNotInUse, findPhoto, insertPhoto } from '../../db/photos';
import type { Location } from '../../db/locations';
import { portalLocation, portalLocationsOf } from '../portalLocations';
import { fieldErrors, parseForm } from '../errors';
import { render } from '../render';
import { deletePhotoFiles, photoFilePath } from '../../lib/uploadFiles';
import { NotAnImageError, photoRefusal, sendUpload, storePhoto, uploadedFiles, type UploadLimits } from '../uploads';
import { availableSlots, bookingByToken, confirmByToken, formatSlot, requestEstimate, type BookingDeps } from './service';
import { contactSchema, locationSchema, missingStep, slotSchema, vehicleSchema, type EstimateWizard } from './wizard';
import { oncePerRequest } from '../perRequest';
import { sessionIfAny } from '../middleware/session';
import { featureRouter } from '../router';

const view = (name: string) => `booking/views/${name}`;

interface Portal {
  location: Readonly<Location>;
  locations: readonly Readonly<Location>[];
  wizard: EstimateWizard;
}

/** The estimate portal of :slug and this visitor's wizard, once per request; the 404 page when the location takes no estimates. */
const portal = oncePerRequest(async (req: Request, res: Response, db: Knex): Promise<Portal | undefined> => {
  const location = await portalLocation(req);
  if (!location?.portal_enabled || !location.show_book_estimate) {
    res.status(404);
    render(req, res, 'portal/views/notFound');
    return undefined;
  }
  const locations = await portalLocationsOf(req, location);
  let wizard = sessionIfAny(req)?.estimate;
  if (!wizard || wizard.portal !== location.slug) {
    wizard = { portal: location.slug, photoIds: [] };
    // Only a form post keeps a wizard: a customer who only opens the first step leaves no session behind.
    if (req.method === 'POST') req.session.estimate = wizard;
  }
  res.locals.location = location;
  res.locals.multipleLocations = locations.length > 1;
  res.locals.base = `/p/${location.slug}/estimate`;
  return { location, locations, wizard };
});

/** Sends the customer to the first step still missing when they skip ahead. */
function guard(p: Portal, res: Response, step: string): boolean {
  const order = ['contact', 'vehicle', 'location', 'slot', 'review'];
  const missing = missingStep(p.wizard, p.locations.length > 1) ?? 'review';
  if (order.indexOf(missing) < order.indexOf(step)) {
    res.redirect(303, `/p/${p.location.slug}/estimate/${missing}`);
    return false;
  }
  return true;
}

/**
 * The check the photo upload of the vehicle step passes before its body is
 * read (web/app.ts): a portal that takes estimates, a wizard at this step.
 */
export function estimateUploadGate(db: Knex) {
  return async (req: Request, res: Response, next: NextFunction) => {
    // No wizard with contact details for this portal: nothing to add photos to (and no session is made for it).
    const wizard = req.session.estimate;
    if (!wizard?.contact || wizard.portal !== req.params.slug) return res.redirect(303, `/p/${req.params.slug}/estimate/contact`);
    const p = await portal(req, res, db);
    if (p && guard(p, res, 'vehicle')) next();
  };
}

/**
 * P2 estimate wizard and the P3 confirmation link. Every step is a plain
 * form that posts to its own URL and redirects on success (PRG); errors
 * re-render the step with what the customer typed.
 */
export function createBookingRouter(deps: BookingDeps & { uploads: UploadLimits }) {
  const router = featureRouter();
  const { db } = deps;

  const chosenLocation = (p: Portal) =>
    p.locations.find((l) => l.id === p.wizard.locationId) ?? (p.locations.length > 1 ? undefined : p.location);

  router.get('/p/:slug/estimate', (req, res) => res.redirect(303, `/p/${req.params.slug}/estimate/contact`));

  router.get('/p/:slug/estimate/contact', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p) return;
    const c = p.wizard.contact;
    render(req, res, view('contact'), {
      values: c ? { ...c, consent: 'yes' } : {},
      errors: {},
    });
  });

  router.post('/p/:slug/estimate/contact', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p) return;
    const parsed = parseForm(contactSchema, req.body);
    if (!parsed.success) {
      res.status(422);
      return render(req, res, view('contact'), { values: req.body, errors: fieldErrors(parsed.error.issues) });
    }
    const { consent: _consent, ...contact } = parsed.data;
    p.wizard.contact = { ...contact, consentAt: new Date().toISOString() };
    res.redirect(303, `/p/${p.location.slug}/estimate/vehicle`);
  });

  async function vehicleStep(req: Request, res: Response, p: Portal, values: object, errors: Record<string, string>) {
    const photos = await Promise.all(p.wizard.photoIds.map((id) => findPhoto(db, id)));
    render(req, res, view('vehicle'), {
      values,
      errors,
      photos: photos.filter((photo) => photo !== undefined),
      maxMegabytes: Math.floor(deps.uploads.maxBytes / 1024 / 1024),
      maxFiles: deps.uploads.maxFiles,
    });
  }

  router.get('/p/:slug/estimate/vehicle', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p || !guard(p, res, 'vehicle')) return;
    await vehicleStep(req, res, p, p.wizard.vehicle ?? {}, {});
  });

  router.post('/p/:slug/estimate/vehicle', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p || !guard(p, res, 'vehicle')) return;
    const errors: Record<string, string> = {};
    if (req.uploadRefusal) errors.photos = photoRefusal[req.uploadRefusal];
    const files = uploadedFiles(req);
    if (p.wizard.photoIds.length + files.length > deps.uploads.maxFiles) {
      errors.photos = 'photoTooMany';
    } else {
      for (const file of files) {
        try {
          const photo = await storePhoto(file, deps.uploads.dir);
          await insertPhoto(db, photo);
          p.wizard.photoIds.push(photo.id);
        } catch (error) {
          if (!(error instanceof NotAnImageError)) throw error;
          errors.photos = 'photoType';
        }
      }
    }
    const parsed = parseForm(vehicleSchema, req.body ?? {});
    if (!parsed.success) Object.assign(errors, fieldErrors(parsed.error.issues));
    if (Object.keys(errors).length > 0 || !parsed.success) {
      res.status(422);
      return vehicleStep(req, res, p, req.body ?? {}, errors);
    }
    p.wizard.vehicle = parsed.data;
    // "Add more photos" keeps the customer on this step.
    if (req.body.action === 'upload') return res.redirect(303, `/p/${p.location.slug}/estimate/vehicle`);
    res.redirect(303, `/p/${p.location.slug}/estimate/${p.locations.length > 1 ? 'location' : 'slot'}`);
  });

  router.post('/p/:slug/estimate/photos/:photoId/delete', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p) return;
    const id = String(req.params.photoId);
    if (p.wizard.photoIds.includes(id)) {
      p.wizard.photoIds = p.wizard.photoIds.filter((photoId) => photoId !== id);
      await deletePhotoFiles(deps.uploads.dir, await deletePhotosNotInUse(db, [id]));
    }
    res.redirect(303, `/p/${p.location.slug}/estimate/vehicle`);
  });

  // Only the session that uploaded a photo may see it before it joins a job.
  router.get('/p/:slug/estimate/photos/:photoId', async (req, res, next) => {
    const id = String(req.params.photoId);
    const photo = req.session.estimate?.photoIds.includes(id) ? await findPhoto(db, id) : undefined;
    if (!photo) return next();
    sendUpload(res, next, deps.uploads.dir, photoFilePath(deps.uploads.dir, photo.thumbnail_path), { type: 'image/webp', cacheControl: 'private, max-age=3600' });
  });

  router.get('/p/:slug/estimate/location', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p || !guard(p, res, 'location')) return;
    if (p.locations.length <= 1) return res.redirect(303, `/p/${p.location.slug}/estimate/slot`);
    render(req, res, view('location'), { locations: p.locations, selected: p.wizard.locationId ?? p.location.id, errors: {} });
  });

  router.post('/p/:slug/estimate/location', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p || !guard(p, res, 'location')) return;
    const parsed = locationSchema.safeParse(req.body);
    const chosen = parsed.success ? p.locations.find((l) => l.id === parsed.data.location) : undefined;
    if (!chosen) {
      res.status(422);
      return render(req, res, view('location'), { locations: p.locations, selected: p.location.id, errors: { location: 'location' } });
    }
    if (p.wizard.locationId !== chosen.id) delete p.wizard.slotStart;
    p.wizard.locationId = chosen.id;
    res.redirect(303, `/p/${p.location.slug}/estimate/slot`);
  });

  async function slotStep(req: Request, res: Response, p: Portal, errors: Record<string, string>) {
    const location = chosenLocation(p)!;
    const days = await availableSlots(db, location, req.language);
    if (!days || days.length === 0) {
      return render(req, res, view('noSlots'), { chosen: location });
    }
    const slotTaken = p.wizard.slotTaken;
    delete p.wizard.slotTaken;
    render(req, res, view('slot'), { chosen: location, days, selected: p.wizard.slotStart, errors, slotTaken });
  }

  router.get('/p/:slug/estimate/slot', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p || !guard(p, res, 'slot')) return;
    await slotStep(req, res, p, {});
  });

  router.post('/p/:slug/estimate/slot', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p || !guard(p, res, 'slot')) return;
    const parsed = slotSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(422);
      return slotStep(req, res, p, { slot: 'slot' });
    }
    p.wizard.slotStart = new Date(parsed.data.slot).toISOString();
    res.redirect(303, `/p/${p.location.slug}/estimate/review`);
  });

  router.get('/p/:slug/estimate/review', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p || !guard(p, res, 'review')) return;
    const location = chosenLocation(p)!;
    const photos = await Promise.all(p.wizard.photoIds.map((id) => findPhoto(db, id)));
    render(req, res, view('review'), {
      wizard: p.wizard,
      chosen: location,
      slotLabel: formatSlot(p.wizard.slotStart!, location, req.language),
      photos: photos.filter((photo) => photo !== undefined),
    });
  });

  router.post('/p/:slug/estimate/confirm', async (req, res) => {
    const p = await portal(req, res, db);
    if (!p || !guard(p, res, 'review')) return;
    const location = chosenLocation(p)!;
    const { hold } = await requestEstimate(deps, p.wizard, location, req.language);
    if (!hold.held) {
      // Everything typed stays in the wizard; only the slot must be chosen again.
      delete p.wizard.slotStart;
      p.wizard.slotTaken = true;
      return res.redirect(303, `/p/${p.location.slug}/estimate/slot`);
    }
    // A fresh wizard for a next booking, remembering only where the link went.
    req.session.estimate = { portal: p.location.slug, photoIds: [], sentTo: p.wizard.contact!.email };
    res.redirect(303, `/p/${p.location.slug}/estimate/sent`);
  });

  router.get('/p/:slug/estimate/sent', async (req, res) => {
    const location = await portalLocation(req);
    if (!location) return res.status(404).end();
    res.locals.location = location;
    render(req, res, view('sent'), {
      email: req.session.estimate?.sentTo ?? '',
      minutes: Math.round(deps.linkTtlMs / 60_000),
    });
  });

  // P3: the link in the e-mail. Opening it shows the booking and a Confirm button; only the button's POST confirms.
  router.get('/b/:token', async (req, res) => {
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
    const link = await bookingByToken(deps, String(req.params.token));
    if (link.status === 'expired') {
      res.status(410);
      return render(req, res, view('expired'));
    }
    res.locals.location = link.location;
    const slotLabel = formatSlot(link.booking.slot_start, link.location, req.language);
    if (link.status === 'confirmed') return render(req, res, view('confirmed'), { jobNumber: link.jobNumber, booking: link.booking, slotLabel });
    render(req, res, view('confirm'), { booking: link.booking, jobNumber: link.jobNumber, slotLabel, action: `/b/${String(req.params.token)}` });
  });

  router.post('/b/:token', async (req, res) => {
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
    const result = await confirmByToken(deps, String(req.params.token));
    if (result.status === 'expired') {
      res.status(410);
      return render(req, res, view('expired'));
    }
    if (result.status === 'refused') {
      res.locals.location = result.location;
      res.status(409);
      return render(req, res, 'repair/views/refused');
    }
    // The link now shows the confirmation (Post/Redirect/Get): a reload confirms nothing twice.
    res.redirect(303, `/b/${String(req.params.token)}`);
  });

  return router;
}
