import { randomUUID } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { RemarkFileInput, RemarkInput } from '../../db/checkin';
import { lockAppointment } from '../../db/checkin';
import { checkinFilePath, folderBytes } from '../../lib/uploadFiles';
import { imageTool, originalName, uploadParser } from '../uploads';

export interface CheckinUploadLimits {
  dir: string;
  /** per photo (UPLOAD_MAX_BYTES) */
  photoMaxBytes: number;
  /** per video (CHECKIN_VIDEO_MAX_BYTES) */
  videoMaxBytes: number;
  /** per remark (UPLOAD_MAX_FILES) */
  maxFiles: number;
  /** what one check-in keeps on disk, every browser's draft together (CHECKIN_MAX_BYTES) */
  maxBytesPerCheckin: number;
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
 * The multipart parser of the remark form (input `files`). Its size limit
 * is the larger of the photo and video limits: which of the two applies is
 * known only from the content, in storeCheckinFile.
 */
export const checkinUploadParser = (limits: CheckinUploadLimits) =>
  uploadParser({ dir: limits.dir, field: 'files', maxFileBytes: Math.max(limits.photoMaxBytes, limits.videoMaxBytes), maxFiles: limits.maxFiles });

export class RefusedFileError extends Error {
  constructor(
    /** not a photo or video we take, over its size limit, or more than the check-in may keep */
    readonly reason: 'type' | 'size' | 'full',
    readonly originalName: string,
  ) {
    super(`${originalName}: refused (${reason})`);
  }
}

/**
 * C3: checks an uploaded file by its content — a photo (JPEG, PNG, WebP, or
 * HEIC from iPhones) or a short video (MP4, MOV, WebM) within its size
 * limit; JPEG/PNG/WebP must also decode — and moves it to
 * UPLOAD_DIR/checkin/<appointment>/, as long as that folder (the files of
 * every draft of this check-in, from any browser) stays within what one
 * check-in may keep: counted under the appointment's row lock, so two
 * uploads at once cannot both squeeze in. A refused file is deleted.
 */
export async function storeCheckinFile(db: Knex, file: Express.Multer.File, appointmentId: number, limits: CheckinUploadLimits): Promise<RemarkFileInput> {
  try {
    return await moveIntoCheckin(db, file, appointmentId, limits);
  } catch (error) {
    // Refused (or failed): its disk is free at once, not only when the request ends.
    await rm(file.path, { force: true });
    throw error;
  }
}

async function moveIntoCheckin(db: Knex, file: Express.Multer.File, appointmentId: number, limits: CheckinUploadLimits): Promise<RemarkFileInput> {
  // Loaded with the first check-in upload, like sharp (web/uploads.ts imageTool).
  const detected = await (await import('file-type')).fileTypeFromFile(file.path);
  const mime = detected?.mime ?? '';
  const kind = photoTypes.has(mime) ? 'photo' : videoTypes.has(mime) ? 'video' : undefined;
  const name = originalName(file);
  if (!kind) throw new RefusedFileError('type', name);
  if (file.size > (kind === 'photo' ? limits.photoMaxBytes : limits.videoMaxBytes)) throw new RefusedFileError('size', name);
  if (decodablePhotos.has(mime)) {
    const metadata = await (await imageTool())(file.path).metadata().catch(() => undefined);
    if (!metadata?.width || !metadata.height) throw new RefusedFileError('type', name);
  }
  const folder = path.join(limits.dir, 'checkin', String(appointmentId));
  const storedName = path.posix.join('checkin', String(appointmentId), `${randomUUID()}.${photoTypes.get(mime) ?? videoTypes.get(mime)}`);
  await lockAppointment(db, appointmentId, async () => {
    if ((await folderBytes(folder)) + file.size > limits.maxBytesPerCheckin) throw new RefusedFileError('full', name);
    await mkdir(folder, { recursive: true });
    await rename(file.path, path.join(limits.dir, storedName));
  });
  return { kind, storedName, originalName: name, mimeType: mime, sizeBytes: file.size };
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
