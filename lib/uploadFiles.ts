import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { namesIn } from './files';

/**
 * Where things live in UPLOAD_DIR, shared by the web processes (which
 * store) and the workers (which clean up):
 *   incoming/<request>/  one folder per upload request, removed when its answer is sent
 *   photos/<day>/        estimate and job photos with their thumbnails (P2, P6)
 *   checkin/<appointment>/  photos and videos of check-in remarks (C3)
 *   dms/run-<id>.csv     an uploaded DMS datastore file, from its upload until its import ends (P9)
 */
export const incomingFolder = (uploadDir: string) => path.join(uploadDir, 'incoming');

/** The absolute path of `relative` inside `folder` of UPLOAD_DIR; refuses one that leaves it. */
function inside(uploadDir: string, folder: string, relative: string): string {
  const root = path.resolve(uploadDir, folder);
  const resolved = path.resolve(uploadDir, relative);
  if (!resolved.startsWith(root + path.sep)) throw new Error(`${relative}: path escapes ${folder}/ of the upload folder`);
  return resolved;
}

export const photoFilePath = (uploadDir: string, relative: string) => inside(uploadDir, 'photos', relative);
export const checkinFilePath = (uploadDir: string, storedName: string) => inside(uploadDir, 'checkin', storedName);
/** P9: the uploaded file of DMS import run `runId`: written by the web process, read and removed by the worker. */
export const dmsFilePath = (uploadDir: string, runId: number) => path.join(uploadDir, 'dms', `run-${runId}.csv`);

/** Removes the files of photos whose rows are gone (a file already missing is no error). */
export async function deletePhotoFiles(uploadDir: string, photos: { path: string; thumbnail_path: string }[]): Promise<void> {
  await Promise.all(photos.flatMap((photo) => [photo.path, photo.thumbnail_path]).map((file) => rm(photoFilePath(uploadDir, file), { force: true })));
}

/** Deletes stored check-in files that were never submitted (a remark the customer removed). */
export async function deleteCheckinFiles(uploadDir: string, storedNames: string[]): Promise<void> {
  await Promise.all(storedNames.map((name) => rm(checkinFilePath(uploadDir, name), { force: true })));
}

/** The bytes of the files in a folder (not below it); 0 when it does not exist. */
export async function folderBytes(folder: string): Promise<number> {
  const sizes = await Promise.all(
    (await namesIn(folder)).map((name) => stat(path.join(folder, name)).then((info) => (info.isFile() ? info.size : 0), () => 0)),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}
