import type { RemoteFile } from './types';

/** Names of files still being written by their uploader: never taken. */
const partial = /\.(part|tmp|filepart|crdownload|partial)$|^\.|^~\$/i;
const marker = /\.done$/i;

/** A shell-style pattern (`*.csv`, `planning_??.txt`), case-insensitive; empty takes every file. */
export function matchesPattern(name: string, pattern: string): boolean {
  const trimmed = pattern.trim();
  if (trimmed === '') return true;
  const regex = trimmed
    .split(/(\*|\?)/)
    .map((part) => (part === '*' ? '.*' : part === '?' ? '.' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 'i').test(name);
}

/**
 * The files of a source that are complete and may be taken: they match the
 * pattern, are not named as an upload in progress (.part, .tmp, .filepart),
 * and either have their "<name>.done" marker beside them (`doneMarker`), or
 * kept the same size (and time) between two listings some seconds apart.
 */
export function completeFiles(first: RemoteFile[], second: RemoteFile[], { pattern, doneMarker }: { pattern: string; doneMarker: boolean }): RemoteFile[] {
  const before = new Map(first.map((file) => [file.name, file]));
  const names = new Set(second.map((file) => file.name.toLowerCase()));
  return second
    .filter((file) => !partial.test(file.name) && !marker.test(file.name) && matchesPattern(file.name, pattern))
    .filter((file) => {
      if (doneMarker) return names.has(`${file.name.toLowerCase()}.done`);
      const earlier = before.get(file.name);
      return earlier !== undefined && earlier.size === file.size && earlier.modifiedAt === file.modifiedAt;
    })
    .sort((a, b) => (a.modifiedAt ?? 0) - (b.modifiedAt ?? 0) || a.name.localeCompare(b.name));
}
