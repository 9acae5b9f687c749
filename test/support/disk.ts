import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** The bytes of every file under `folder`, however deep; 0 when it does not exist. */
export async function bytesUnder(folder: string): Promise<number> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) total += await bytesUnder(full);
    else if (entry.isFile()) total += (await stat(full).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** The files under `folder`, however deep, as paths relative to it. */
export async function filesUnder(folder: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) files.push(...(await filesUnder(path.join(folder, entry.name), path.join(prefix, entry.name))));
    else files.push(path.join(prefix, entry.name));
  }
  return files;
}
