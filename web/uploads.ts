import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import sharp, { type Metadata } from 'sharp';
import type { NewPhoto, PhotoFiles } from '../db/photos';

const acceptedTypes = new Map([
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['image/webp', 'webp'],
]);
const acceptedFormats = new Set(['jpeg', 'png', 'webp']);

declare global {
  namespace Express {
    interface Request {
      /** Translation key of what went wrong with the upload, if anything. */
      uploadError?: string;
    }
  }
}

export interface UploadLimits {
  dir: string;
  maxBytes: number;
  maxFiles: number;
}

/**
 * Parses a multipart form with photos into a temporary folder. Mounted
 * before the CSRF check so the token in the form body can be read; errors
 * become `req.uploadError` so the route re-renders the form with the typed
 * fields kept instead of losing them.
 */
export function photoUploadParser(field: string, limits: UploadLimits) {
  const upload = multer({
    dest: path.join(limits.dir, 'incoming'),
    limits: { fileSize: limits.maxBytes, files: limits.maxFiles, fields: 50 },
    fileFilter: (_req, file, accept) => {
      if (acceptedTypes.has(file.mimetype)) return accept(null, true);
      accept(new multer.MulterError('LIMIT_UNEXPECTED_FILE', 'notAnImage'));
    },
  }).array(field, limits.maxFiles);
  return (req: Request, res: Response, next: NextFunction) => {
    upload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError) {
        req.uploadError =
          error.field === 'notAnImage'
            ? 'errors.photoType'
            : error.code === 'LIMIT_FILE_SIZE'
              ? 'errors.photoTooLarge'
              : error.code === 'LIMIT_FILE_COUNT' || error.code === 'LIMIT_UNEXPECTED_FILE'
                ? 'errors.photoTooMany'
                : 'errors.photoFailed';
        void discardFiles(req);
        return next();
      }
      next(error);
    });
  };
}

async function discardFiles(req: Request) {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  await Promise.all(files.map((file) => rm(file.path, { force: true })));
}

export class NotAnImageError extends Error {}

/**
 * Checks that an uploaded file really is a JPEG, PNG or WebP image (by
 * decoding it, not by trusting its name), moves it into place and makes a
 * thumbnail, turned upright from the camera's EXIF orientation.
 */
export async function storePhoto(file: Express.Multer.File, dir: string): Promise<NewPhoto> {
  let metadata: Metadata;
  try {
    metadata = await sharp(file.path).metadata();
  } catch {
    await rm(file.path, { force: true });
    throw new NotAnImageError(file.originalname);
  }
  if (!metadata.format || !acceptedFormats.has(metadata.format) || !metadata.width || !metadata.height) {
    await rm(file.path, { force: true });
    throw new NotAnImageError(file.originalname);
  }
  const id = randomUUID();
  const day = new Date().toISOString().slice(0, 10);
  const folder = path.join(dir, 'photos', day);
  await mkdir(folder, { recursive: true });
  const extension = metadata.format === 'jpeg' ? 'jpg' : metadata.format;
  const original = path.join(folder, `${id}.${extension}`);
  const thumbnail = path.join(folder, `${id}.thumb.webp`);
  await rename(file.path, original);
  await sharp(original).rotate().resize({ width: 480, height: 360, fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toFile(thumbnail);
  return {
    id,
    original_name: file.originalname.slice(0, 200),
    content_type: `image/${metadata.format}`,
    size_bytes: file.size,
    width: metadata.width,
    height: metadata.height,
    path: path.relative(dir, original),
    thumbnail_path: path.relative(dir, thumbnail),
  };
}

/** Removes the files of photos whose rows are gone (a file already missing is no error). */
export async function deletePhotoFiles(dir: string, photos: PhotoFiles[]): Promise<void> {
  await Promise.all(photos.flatMap((photo) => [photo.path, photo.thumbnail_path]).map((file) => rm(photoFilePath(dir, file), { force: true })));
}

export function photoFilePath(dir: string, relative: string): string {
  const resolved = path.resolve(dir, relative);
  if (!resolved.startsWith(path.resolve(dir) + path.sep)) throw new Error('photo path escapes the upload folder');
  return resolved;
}
