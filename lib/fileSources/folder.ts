import { copyFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { SourceError, type FileSource } from './types';

/** A folder on this machine (or a mounted share) the planner writes into. */
export async function openFolder(folder: string): Promise<FileSource> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new SourceError('notFound', `the folder ${folder} does not exist`);
  return {
    async list() {
      const entries = await readdir(folder, { withFileTypes: true });
      const files = await Promise.all(
        entries
          .filter((entry) => entry.isFile())
          .map(async (entry) => {
            const s = await stat(path.join(folder, entry.name)).catch(() => undefined);
            return s ? { name: entry.name, size: s.size, modifiedAt: Math.floor(s.mtimeMs) } : undefined;
          }),
      );
      return files.filter((file) => file !== undefined);
    },
    async download(name, localPath) {
      await copyFile(path.join(folder, path.basename(name)), localPath);
    },
    async close() {},
  };
}
