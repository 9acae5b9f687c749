import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { countJobPhotos, findPhoto, insertJobPhoto, photosOfJob } from '../../db/photos';
import type { PortalJob } from '../../db/jobs';
import { render } from '../render';
import { photoFilePath } from '../../lib/uploadFiles';
import { NotAnImageError, photoRefusal, sendUpload, storePhoto, uploadedFiles, type UploadLimits } from '../uploads';
import { grantedJob, openPortal } from './lookup';
import { oncePerRequest } from '../perRequest';
import { featureRouter } from '../router';

/** However many visits, a job takes at most this many photos from the portal. */
export const maxPhotosPerJob = 60;

/**
 * The check a photo upload passes before its body is read (web/app.ts): the
 * portal takes photos, and this session proved plate + job number.
 */
export function jobPhotoUploadGate(db: Knex) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (await photoPage(req, res, db)) next();
  };
}

/** The portal and the proven job of a photo page (the 404 page or the look-up otherwise), once per request. */
const photoPage = oncePerRequest(async (req: Request, res: Response, db: Knex) => {
  const location = await openPortal(req, res, 'photos');
  const job = location && (await grantedJob(db, req, res, 'photos'));
  return location && job ? { location, job } : undefined;
});

/**
 * P6: a customer who proved plate + job number adds photos straight into
 * the job, without booking anything. The multipart body is parsed behind
 * jobPhotoUploadGate (web/app.ts), like the estimate wizard's.
 */
export function createJobPhotosRouter({ db, uploads }: { db: Knex; uploads: UploadLimits }) {
  const router = featureRouter();
  const base = (job: PortalJob, slug: string) => `/p/${slug}/photos/${job.job_number}`;

  async function page(
    req: Request,
    res: Response,
    job: PortalJob,
    errors: Record<string, string> = {},
    batch: { added: number; refused: string[] } = { added: Number(req.query.added) || 0, refused: [] },
  ) {
    render(req, res, 'status/views/photos', {
      job,
      base: base(job, String(req.params.slug)),
      photos: await photosOfJob(db, job.id),
      added: Number.isInteger(batch.added) && batch.added > 0 ? batch.added : 0,
      refused: batch.refused,
      maxMegabytes: Math.floor(uploads.maxBytes / 1024 / 1024),
      maxFiles: uploads.maxFiles,
      errors,
    });
  }

  router.get('/p/:slug/photos/:jobNumber', async (req, res) => {
    const found = await photoPage(req, res, db);
    if (!found) return;
    res.set('Cache-Control', 'no-store');
    await page(req, res, found.job);
  });

  router.post('/p/:slug/photos/:jobNumber', async (req, res) => {
    const files = uploadedFiles(req);
    const found = await photoPage(req, res, db);
    if (!found) return;
    const { location, job } = found;
    const refuse = (error: string) => {
      res.status(422);
      return page(req, res, job, { photos: error });
    };
    if (req.uploadRefusal) return refuse(photoRefusal[req.uploadRefusal]);
    if (files.length === 0) return refuse('photoMissing');
    if ((await countJobPhotos(db, job.id)) + files.length > maxPhotosPerJob) return refuse('photoJobFull');
    // Each good photo is kept even when another in the batch is refused.
    let stored = 0;
    const refused: string[] = [];
    for (const file of files) {
      try {
        await insertJobPhoto(db, job.id, await storePhoto(file, uploads.dir));
        stored += 1;
      } catch (error) {
        if (!(error instanceof NotAnImageError)) throw error;
        refused.push(file.originalname);
      }
    }
    if (refused.length > 0) {
      res.status(422);
      return page(req, res, job, { photos: 'photoType' }, { added: stored, refused });
    }
    res.redirect(303, `${base(job, location.slug)}?added=${stored}`);
  });

  // Thumbnails, only for the session that proved this job.
  router.get('/p/:slug/photos/:jobNumber/:photoId', async (req, res, next) => {
    const job = await grantedJob(db, req, res, 'photos');
    if (!job) return;
    const photo = await findPhoto(db, String(req.params.photoId));
    if (!photo || photo.job_id !== job.id) return next();
    sendUpload(res, next, uploads.dir, photoFilePath(uploads.dir, photo.thumbnail_path), { type: 'image/webp', cacheControl: 'private, max-age=3600' });
  });

  return router;
}
