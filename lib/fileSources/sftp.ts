import path from 'node:path';
import type SftpClient from 'ssh2-sftp-client';
import { hostKeyFingerprint } from './hostKey';
import { SourceError, type FileSource, type SourceSettings } from './types';

const isPrivateKey = (secret: string) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(secret);

/**
 * An SFTP server (ssh2-sftp-client); the host key is checked when the source
 * names one. The client loads on first use, so a web process that never
 * tests a connection does not carry it.
 */
export async function openSftp(settings: SourceSettings): Promise<FileSource> {
  const { default: Client } = await import('ssh2-sftp-client');
  const client = new Client('import');
  let presented: string | undefined;
  try {
    await client.connect({
      host: settings.host,
      port: settings.port ?? 22,
      username: settings.username,
      ...(isPrivateKey(settings.secret) ? { privateKey: settings.secret } : { password: settings.secret }),
      readyTimeout: settings.timeoutMs,
      retries: 0,
      hostVerifier: (key: Buffer) => {
        presented = hostKeyFingerprint(key);
        return settings.hostKey.trim() === '' || settings.hostKey.trim() === presented;
      },
    } as SftpClient.ConnectOptions);
  } catch (error) {
    await client.end().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    if (presented && settings.hostKey.trim() !== '' && settings.hostKey.trim() !== presented) {
      throw new SourceError('hostKey', `the server presented host key ${presented}, not ${settings.hostKey}`, presented);
    }
    if (/authentication|auth/i.test(message)) throw new SourceError('authentication', message, presented);
    throw new SourceError('connection', message, presented);
  }
  const folder = settings.path.trim() === '' ? '.' : settings.path;
  return {
    async list() {
      try {
        const entries = await client.list(folder);
        return entries.filter((entry) => entry.type === '-').map((entry) => ({ name: entry.name, size: entry.size, modifiedAt: entry.modifyTime ?? null }));
      } catch (error) {
        throw new SourceError('notFound', `cannot list ${folder}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    async download(name, localPath) {
      try {
        await client.fastGet(path.posix.join(folder, path.posix.basename(name)), localPath);
      } catch (error) {
        throw new SourceError('download', `cannot download ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    async close() {
      await client.end().catch(() => undefined);
    },
  };
}
