import { readdir } from 'node:fs/promises';

/** The names in a folder; none when the folder does not exist (nothing was ever stored there). */
export async function namesIn(folder: string): Promise<string[]> {
  return readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
}
