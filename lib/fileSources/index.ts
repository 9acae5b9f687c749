import { openFolder } from './folder';
import { openFtp } from './ftp';
import { openSftp } from './sftp';
import type { FileSource, SourceSettings } from './types';

export { completeFiles, matchesPattern } from './complete';
export { hostKeyFingerprint } from './hostKey';
export { SourceError, type FileSource, type RemoteFile, type SourceKind, type SourceSettings } from './types';

/**
 * Opens a company's import source: an SFTP server, an FTP server, or a
 * folder on this machine. Throws a SourceError saying what failed.
 */
export function openFileSource(settings: SourceSettings): Promise<FileSource> {
  switch (settings.kind) {
    case 'sftp':
      return openSftp(settings);
    case 'ftp':
      return openFtp(settings);
    case 'folder':
      return openFolder(settings.path);
  }
}
