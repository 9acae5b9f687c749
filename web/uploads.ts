import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { Metadata } from 'sharp';
import type { NewPhoto } from '../db/photos';
import { incomingFolder } from '../lib/uploadFiles';
import { csrfRefusal, csrfTokenValid } from './middleware/csrf';
import { cleanFields, cleanFormValue } from './middleware/formText';

/** sharp (libvips) loads with the first upload, not at start: about 20 MB that a web process serving pages never uses. */
export const imageTool = async () => (await import('sharp')).default;

/** Why the files of an upload were refused as a whole: each form words it in the customer's language. */
export type UploadRefusal = 'fileTooLarge' | 'tooManyFiles' | 'fileType' | 'textTooLong' | 'uploadFailed';

declare global {
  namespace Express {
    interface Request {
      /** What went wrong with the upload, if anything; the files are gone then, the typed fields kept. */
      uploadRefusal?: UploadRefusal;
    }
  }
}

export interface UploadParserOptions {
  /** UPLOAD_DIR */
  dir: string;
  /** the form's file input */
  field: string;
  maxFileBytes: number;
  maxFiles: number;
  /** the declared types taken at all (each file's content is checked again when it is stored) */
  acceptsType?: (mimetype: string) => boolean;
}

const notAccepted = 'type';

/**
 * Parses a multipart upload form. Mounted behind the checks that the
 * request may upload here at all (portal, proven job, wizard step), so a
 * refused request is never read to disk. Files go to a folder of their own
 * under UPLOAD_DIR/incoming, written only once the form's CSRF token (a
 * field before the files, as our forms put it) is known to be right; the
 * folder is removed as the answer goes out, or when the client goes away,
 * so whatever the route did not move into place (a refused batch, a failed
 * form, a body cut off halfway) leaves nothing on disk. A refused upload
 * becomes `req.uploadRefusal`, so the route re-renders the form with what
 * the customer typed.
 */
export function uploadParser({ dir, field, maxFileBytes, maxFiles, acceptsType }: UploadParserOptions): RequestHandler {
  /** Each request's folder, while its parts may still be written (null once the answer went out or the client left). */
  const folders = new WeakMap<Request, string | null>();
  const upload = multer({
    storage: multer.diskStorage({
      destination: (req, _file, done) => {
        const folder = folders.get(req);
        if (!folder) return done(new Error('upload request is over'), '');
        mkdir(folder, { recursive: true }).then(() => done(null, folder), (error: Error) => done(error, ''));
      },
      filename: (_req, _file, done) => done(null, randomUUID()),
    }),
    limits: { fileSize: maxFileBytes, files: maxFiles, fields: 50, fieldSize: 256 * 1024, parts: maxFiles + 50 },
    fileFilter: (req, file, accept) => {
      if (!csrfTokenValid(req)) return accept(csrfRefusal());
      if (acceptsType && !acceptsType(file.mimetype)) return accept(new multer.MulterError('LIMIT_UNEXPECTED_FILE', notAccepted));
      accept(null, true);
    },
  }).array(field, maxFiles);

  return (req: Request, res: Response, next: NextFunction) => {
    const folder = path.join(incomingFolder(dir), randomUUID());
    folders.set(req, folder);
    /** Once: no more parts are written, and the folder goes (before the answer leaves, a few unlinks; or when the client left). */
    const over = (remove: () => unknown) => {
      if (folders.get(req) === null) return;
      folders.set(req, null);
      remove();
    };
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      over(() => rmSync(folder, { recursive: true, force: true }));
      return end(...args);
    }) as Response['end'];
    res.once('close', () => over(() => rm(folder, { recursive: true, force: true })));
    upload(req, res, (error: unknown) => {
      cleanFields(req.body);
      if (error instanceof multer.MulterError) {
        req.uploadRefusal = refusalOf(error);
        req.files = [];
        return next();
      }
      // A body cut off halfway or not multipart at all: the client's fault, answered 400 (a refused token keeps its 403).
      if (error) return next(isHttpError(error) ? error : Object.assign(new Error('unreadable upload', { cause: error }), { status: 400 }));
      next();
    });
  };
}

const isHttpError = (error: unknown) => typeof (error as { status?: unknown }).status === 'number';

/** A file's name as the customer's device gave it, fit to store and show. */
export const originalName = (file: Express.Multer.File) => String(cleanFormValue(file.originalname)).slice(0, 200);

function refusalOf(error: multer.MulterError): UploadRefusal {
  if (error.field === notAccepted) return 'fileType';
  switch (error.code) {
    case 'LIMIT_FILE_SIZE':
      return 'fileTooLarge';
    case 'LIMIT_FILE_COUNT':
    case 'LIMIT_UNEXPECTED_FILE':
      return 'tooManyFiles';
    case 'LIMIT_FIELD_VALUE':
      return 'textTooLong';
    default:
      return 'uploadFailed';
  }
}

/** The files of an upload that went well. */
export const uploadedFiles = (req: Request) => (req.files as Express.Multer.File[] | undefined) ?? [];

// ---- estimate and job photos (P2, P6) ------------------------------------------

/** What a photo upload (estimate wizard, job photos) takes: size per photo and photos per upload. */
export interface UploadLimits {
  dir: string;
  maxBytes: number;
  maxFiles: number;
}

const photoTypes = new Set(['image/jpeg', 'image/png', 'image/webp']);
const photoFormats = new Set(['jpeg', 'png', 'webp']);

/** How the photo forms (estimate vehicle step, job photos) word each refusal: keys under errors.* */
export const photoRefusal: Record<UploadRefusal, string> = {
  fileTooLarge: 'photoTooLarge',
  tooManyFiles: 'photoTooMany',
  fileType: 'photoType',
  textTooLong: 'tooLong',
  uploadFailed: 'photoFailed',
};

/** The multipart parser of a photo form (input `photos`): JPEG, PNG or WebP as declared, checked again by decoding. */
export const photoUploadParser = (limits: UploadLimits) =>
  uploadParser({ dir: limits.dir, field: 'photos', maxFileBytes: limits.maxBytes, maxFiles: limits.maxFiles, acceptsType: (type) => photoTypes.has(type) });

export class NotAnImageError extends Error {}

/**
 * Checks that an uploaded file really is a JPEG, PNG or WebP image (by
 * decoding it, not by trusting its name), moves it into place and makes a
 * thumbnail, turned upright from the camera's EXIF orientation.
 */
export async function storePhoto(file: Express.Multer.File, dir: string): Promise<NewPhoto> {
  const refuse = async () => {
    await rm(file.path, { force: true });
    return new NotAnImageError(originalName(file));
  };
  const sharp = await imageTool();
  let metadata: Metadata;
  try {
    metadata = await sharp(file.path).metadata();
  } catch {
    throw await refuse();
  }
  if (!metadata.format || !photoFormats.has(metadata.format) || !metadata.width || !metadata.height) throw await refuse();
  const id = randomUUID();
  const day = new Date().toISOString().slice(0, 10);
  const folder = path.join(dir, 'photos', day);
  await mkdir(folder, { recursive: true });
  const extension = metadata.format === 'jpeg' ? 'jpg' : metadata.format;
  const original = path.join(folder, `${id}.${extension}`);
  const thumbnail = path.join(folder, `${id}.thumb.webp`);
  await rename(file.path, original);
  try {
    await sharp(original).rotate().resize({ width: 480, height: 360, fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toFile(thumbnail);
  } catch {
    // Its header decoded but the picture does not: it is no photo after all.
    await Promise.all([rm(original, { force: true }), rm(thumbnail, { force: true })]);
    throw new NotAnImageError(originalName(file));
  }
  return {
    id,
    original_name: originalName(file),
    content_type: `image/${metadata.format}`,
    size_bytes: file.size,
    width: metadata.width,
    height: metadata.height,
    path: path.relative(dir, original),
    thumbnail_path: path.relative(dir, thumbnail),
  };
}

// ---- serving stored files -------------------------------------------------------

/**
 * Sends a file stored in UPLOAD_DIR (an absolute path from photoFilePath or
 * checkinFilePath). Relative to UPLOAD_DIR as root, so a data folder whose
 * name starts with a dot (the default `.data/uploads`) is served like any
 * other; a file gone from disk is a 404, never a crash.
 */
export function sendUpload(
  res: Response,
  next: NextFunction,
  dir: string,
  file: string,
  { type, cacheControl }: { type: string; cacheControl: string },
): void {
  res.type(type);
  res.sendFile(path.relative(dir, file), { root: dir, headers: { 'Cache-Control': cacheControl, 'Content-Disposition': 'inline' } }, (error) => {
    if (!error) return;
    if ((error as { status?: number }).status === 404 || (error as NodeJS.ErrnoException).code === 'ENOENT') return next();
    if (!res.headersSent) next(error);
  });
}
