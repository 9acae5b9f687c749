import path from 'node:path';
import { secretSealer, type Sealer } from '../secrets';
import { SourceError, type SourceKind, type SourceSettings } from './types';

/** What a stored import source says (db/imports.ts ImportSource), as far as connecting goes. */
export interface StoredSource {
  company_id: number;
  kind: SourceKind;
  host: string;
  port: number | null;
  username: string;
  secret: string | null;
  host_key: string;
  tls: boolean;
  remote_path: string;
}

/** Seals and opens the sources' passwords and keys with IMPORT_SECRET_KEY: the settings page seals, the worker opens. */
export const importSealer = (secretKey: string): Sealer => secretSealer(secretKey, 'import-source');

/** The context a source's secret is sealed for: its company, so it opens for no other. */
export const secretContext = (companyId: number) => `import_sources:company:${companyId}`;

/**
 * A company's watched folder: IMPORT_DIR/<company id>, or a subfolder of it
 * the source names. Never anywhere else: one company's admin cannot make the
 * server read another's folder or the server's own files.
 */
export function companyFolder(importDir: string, companyId: number, subfolder = ''): string {
  const base = path.join(importDir, String(companyId));
  const folder = path.resolve(base, subfolder.replace(/^[/\\]+/, ''));
  const relative = path.relative(base, folder);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new SourceError('notFound', `the folder ${subfolder} is outside ${base}`);
  return folder;
}

/** The settings to connect with: the secret opened, a folder resolved inside the company's own. */
export function connectionSettings(source: StoredSource, { sealer, importDir, timeoutMs }: { sealer: Sealer; importDir: string; timeoutMs: number }): SourceSettings {
  const secret = source.secret ? sealer.open(source.secret, secretContext(source.company_id)) : '';
  if (secret === undefined) throw new SourceError('authentication', 'the stored password or key cannot be opened (IMPORT_SECRET_KEY changed?): enter it again');
  return {
    kind: source.kind,
    host: source.host,
    port: source.port,
    username: source.username,
    secret,
    hostKey: source.host_key,
    tls: source.tls,
    path: source.kind === 'folder' ? companyFolder(importDir, source.company_id, source.remote_path) : source.remote_path,
    timeoutMs,
  };
}
