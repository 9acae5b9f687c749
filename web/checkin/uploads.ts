import { randomUUID } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { fileTypeFromFile } from 'file-type';
import multer from 'multer';
import sharp from 'sharp';
import type { RemarkFileInput, RemarkInput } from '../../db/checkin';

export interface CheckinUploadLimits {
  dir: string;
  /** per photo (UPLOAD_MAX_BYTES) */
  photoMaxBytes: number;
  /** per video (CHECKIN_VIDEO_MAX_BYTES) */
  videoMaxBytes: number;
  /** per remark (UPLOAD_MAX_FILES) */
  maxFiles: number;
}

/** What a refused upload was, as a code the remark form translates (checkin.errors.*). */
export type UploadRefusal = 'fileTooLarge' | 'tooManyFiles' | 'uploadFailed';

declare global {
  namespace Express {
    interface Request {
      /** C3: why the files of a check-in remark were refused as a whole, if they were. */
      checkinUploadRefusal?: UploadRefusal;
    }
  }
}

// What we take, told by the file's content, never by its name or declared type.
const photoTypes = new Map([
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['image/webp', 'webp'],
  ['image/heic', 'heic'],
  ['image/heif', 'heif'],
]);
const videoTypes = new Map([
  ['video/mp4', 'mp4'],
  ['video/quicktime', 'mov'],
  ['video/webm', 'webm'],
]);
// sharp's libvips decodes these; HEIC (HEVC inside) is checked by its signature only.
const decodablePhotos = new Set(['image/jpeg', 'image/png', 'image/webp']);

/**
 * Parses the multipart remark form of the check-in page into a temporary
 * folder. Mounted before the CSRF check, which reads its token from the
 * body; the size limit is the larger of the photo and video limits (which
 * of the two applies is known only from the content, in storeCheckinFile).
 * A refused upload becomes `req.checkinUploadRefusal`, so the form comes
 * back with what the customer typed.
 */
export function checkinUploadParser(field: string, limits: CheckinUploadLimits) {
  const upload = multer({
    dest: path.join(limits.dir, 'incoming'),
    limits: { fileSize: Math.max(limits.photoMaxBytes, limits.videoMaxBytes), files: limits.maxFiles, fields: 20 },
  }).array(field, limits.maxFiles);
  return (req: Request, res: Response, next: NextFunction) => {
    // Whatever was not moved into place by the end of the response (a refused CSRF token, a failed form) is removed.
    res.once('close', () => void discardUploads(req));
    upload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError) {
        req.checkinUploadRefusal =
          error.code === 'LIMIT_FILE_SIZE'
            ? 'fileTooLarge'
            : error.code === 'LIMIT_FILE_COUNT' || error.code === 'LIMIT_UNEXPECTED_FILE'
              ? 'tooManyFiles'
              : 'uploadFailed';
        return discardUploads(req).then(() => next(), next);
      }
      next(error);
    });
  };
}

/** Removes the temporary files of a request (a refused batch, or a form that failed). */
export async function discardUploads(req: Request): Promise<void> {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  await Promise.all(files.map((file) => rm(file.path, { force: true })));
}

export class RefusedFileError extends Error {
  constructor(
    readonly reason: 'type' | 'size',
    readonly originalName: string,
  ) {
    super(`${originalName}: refused (${reason})`);
  }
}

/**
 * C3: checks an uploaded file by its content — a photo (JPEG, PNG, WebP, or
 * HEIC from iPhones) or a short video (MP4, MOV, WebM) within its size
 * limit; JPEG/PNG/WebP must also decode — and moves it to
 * UPLOAD_DIR/checkin/<appointment>/. A refused file is deleted.
 */
export async function storeCheckinFile(file: Express.Multer.File, appointmentId: number, limits: CheckinUploadLimits): Promise<RemarkFileInput> {
  try {
    const detected = await fileTypeFromFile(file.path);
    const mime = detected?.mime ?? '';
    const kind = photoTypes.has(mime) ? 'photo' : videoTypes.has(mime) ? 'video' : undefined;
    if (!kind) throw new RefusedFileError('type', file.originalname);
    if (file.size > (kind === 'photo' ? limits.photoMaxBytes : limits.videoMaxBytes)) throw new RefusedFileError('size', file.originalname);
    if (decodablePhotos.has(mime)) {
      const metadata = await sharp(file.path).metadata().catch(() => undefined);
      if (!metadata?.width || !metadata.height) throw new RefusedFileError('type', file.originalname);
    }
    const folder = path.join('checkin', String(appointmentId));
    await mkdir(path.join(limits.dir, folder), { recursive: true });
    const storedName = path.posix.join('checkin', String(appointmentId), `${randomUUID()}.${photoTypes.get(mime) ?? videoTypes.get(mime)}`);
    await rename(file.path, path.join(limits.dir, storedName));
    return { kind, storedName, originalName: file.originalname.slice(0, 200), mimeType: mime, sizeBytes: file.size };
  } catch (error) {
    await rm(file.path, { force: true });
    throw error;
  }
}

/** Deletes stored check-in files that were never submitted (a remark the customer removed). */
export async function deleteCheckinFiles(dir: string, storedNames: string[]): Promise<void> {
  await Promise.all(storedNames.map((name) => rm(checkinFilePath(dir, name), { force: true })));
}

/**
 * The draft's remarks with only the files still on disk: an appointment
 * that had begun (its unsent files removed by D2) and was then moved into
 * the future takes check-ins again, and an old draft must not point at
 * files that are gone.
 */
export async function withStoredFiles(dir: string, remarks: RemarkInput[]): Promise<RemarkInput[]> {
  const stored = async (file: RemarkFileInput) => {
    try {
      await access(checkinFilePath(dir, file.storedName));
      return true;
    } catch {
      return false;
    }
  };
  return Promise.all(
    remarks.map(async (remark) => {
      const present = await Promise.all(remark.files.map(stored));
      return { ...remark, files: remark.files.filter((_, i) => present[i]) };
    }),
  );
}

/** The absolute path of a stored check-in file; refuses names that leave the check-in folder. */
export function checkinFilePath(dir: string, storedName: string): string {
  const root = path.resolve(dir, 'checkin');
  const resolved = path.resolve(dir, storedName);
  if (!resolved.startsWith(root + path.sep)) throw new Error('check-in file path escapes the upload folder');
  return resolved;
}
