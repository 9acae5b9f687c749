import path from 'node:path';
import { SourceError, type FileSource, type SourceSettings } from './types';

/** An FTP server (basic-ftp), with explicit TLS when the source asks for it; the client loads on first use, as the SFTP one does. */
export async function openFtp(settings: SourceSettings): Promise<FileSource> {
  const { Client } = await import('basic-ftp');
  const client = new Client(settings.timeoutMs);
  try {
    await client.access({ host: settings.host, port: settings.port ?? 21, user: settings.username || 'anonymous', password: settings.secret, secure: settings.tls });
  } catch (error) {
    client.close();
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: number }).code;
    throw new SourceError(code === 530 ? 'authentication' : 'connection', message);
  }
  const folder = settings.path.trim() === '' ? '' : settings.path;
  return {
    async list() {
      try {
        const entries = (await client.list(folder || undefined)).filter((entry) => entry.isFile);
        const files = [];
        // LIST's dates are rough (or unparsed): MDTM gives the time to the second where the server has it.
        for (const entry of entries) {
          const exact = await client.lastMod(folder ? path.posix.join(folder, entry.name) : entry.name).catch(() => undefined);
          files.push({ name: entry.name, size: entry.size, modifiedAt: exact?.getTime() ?? entry.modifiedAt?.getTime() ?? null });
        }
        return files;
      } catch (error) {
        throw new SourceError('notFound', `cannot list ${folder || '/'}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    async download(name, localPath) {
      try {
        await client.downloadTo(localPath, folder ? path.posix.join(folder, path.posix.basename(name)) : path.posix.basename(name));
      } catch (error) {
        throw new SourceError('download', `cannot download ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    async close() {
      client.close();
    },
  };
}
