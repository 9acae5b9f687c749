/** A file as a source lists it. */
export interface RemoteFile {
  name: string;
  size: number;
  /** ms since the epoch, when the server tells */
  modifiedAt: number | null;
}

/** An open connection to where a company's planner drops its files. */
export interface FileSource {
  /** the files (not folders) in the source's folder */
  list(): Promise<RemoteFile[]>;
  /** copies `name` from the source's folder to `localPath` */
  download(name: string, localPath: string): Promise<void>;
  close(): Promise<void>;
}

export type SourceKind = 'sftp' | 'ftp' | 'folder';

/** What connecting needs, the secret already opened (lib/secrets.ts). */
export interface SourceSettings {
  kind: SourceKind;
  host: string;
  port: number | null;
  username: string;
  /** a password, or for SFTP an OpenSSH/PEM private key */
  secret: string;
  /** SFTP: "SHA256:<base64>" the server must present; empty = not checked */
  hostKey: string;
  tls: boolean;
  /** the remote folder; for 'folder' the local folder itself (resolved by the caller) */
  path: string;
  timeoutMs: number;
}

/** Why a source could not be read, as the report says it (imports.file.<code>). */
export class SourceError extends Error {
  constructor(
    readonly code: 'connection' | 'authentication' | 'hostKey' | 'notFound' | 'download',
    message: string,
    /** SFTP: the host key the server presented, for the settings page */
    readonly hostKey?: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}
