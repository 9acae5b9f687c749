import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { deleteAbandonedPhotos } from '../db/photos';
import { namesIn } from '../lib/files';
import { deletePhotoFiles, incomingFolder } from '../lib/uploadFiles';

export interface HousekeepingResult {
  /** photos of estimate wizards that never became a job */
  photos: number;
  /** upload parts (or an upload request's folder) left in UPLOAD_DIR/incoming by a process that stopped mid-request */
  incoming: number;
}

/** Entries of `folder` (files, or an upload request's folder) last written before `before`; none when the folder does not exist. */
async function entriesOlderThan(folder: string, before: Date): Promise<string[]> {
  const names = await namesIn(folder);
  const old = await Promise.all(
    names.map(async (name) => {
      const info = await stat(path.join(folder, name)).catch(() => undefined);
      return info && info.mtime < before ? name : undefined;
    }),
  );
  return old.filter((name) => name !== undefined);
}

/** The periodic clean-up of UPLOAD_DIR (workflows/housekeeping.ts), on a worker that shares it with the web processes. */
export function createHousekeepingActivities({ db, uploadDir }: { db: Knex; uploadDir: string }) {
  return {
    /**
     * Removes what nobody will ever use and was left more than `olderThanMs`
     * ago: photos of estimate wizards never sent (or whose booking expired),
     * rows and files; parts of uploads a crashed request left behind.
     */
    async discardAbandonedUploads(olderThanMs: number): Promise<HousekeepingResult> {
      const before = new Date(Date.now() - olderThanMs);
      const photos = await deleteAbandonedPhotos(db, before);
      await deletePhotoFiles(uploadDir, photos);
      const incoming = incomingFolder(uploadDir);
      const parts = await entriesOlderThan(incoming, before);
      await Promise.all(parts.map((name) => rm(path.join(incoming, name), { recursive: true, force: true })));
      return { photos: photos.length, incoming: parts.length };
    },
  };
}
