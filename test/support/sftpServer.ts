import { createHash } from 'node:crypto';
import { open as openFile, readdir, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import ssh2 from 'ssh2';

const { Server, utils } = ssh2;
const { STATUS_CODE } = utils.sftp;

export interface SftpServer {
  host: string;
  port: number;
  username: string;
  password: string;
  /** the host key's fingerprint as the import source stores it (SHA256:...) */
  hostKey: string;
  close(): Promise<void>;
}

const attrsOf = (s: Stats) => ({ mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) });

/**
 * A new ed25519 host key that ssh2 reads back. ssh2 1.17's own generator
 * writes one it cannot parse ("Malformed OpenSSH private key") about once in
 * 300 keys, which failed a test run now and then: such a key is made again.
 */
function readableHostKey() {
  for (let attempt = 1; ; attempt++) {
    const hostKeys = utils.generateKeyPairSync('ed25519');
    const parsed = utils.parseKey(hostKeys.private);
    if (!(parsed instanceof Error)) return { hostKeys, parsed: Array.isArray(parsed) ? parsed[0]! : parsed };
    if (attempt === 10) throw parsed;
  }
}

/**
 * A real SFTP server on loopback (ssh2's Server with the SFTP subsystem),
 * serving `root` read-only to one user with a password: the tests' stand-in
 * for a planner's server. Paths are confined to `root`.
 */
export async function startSftpServer(root: string, { username = 'planner', password = 'secret-pass' } = {}): Promise<SftpServer> {
  const { hostKeys, parsed } = readableHostKey();
  const publicKey = parsed.getPublicSSH();
  const hostKey = `SHA256:${createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '')}`;

  const inside = (requested: string) => {
    const resolved = path.resolve(root, `.${path.posix.resolve('/', requested)}`);
    return resolved.startsWith(path.resolve(root)) ? resolved : path.resolve(root);
  };
  const server = new Server({ hostKeys: [hostKeys.private] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.username === username && ctx.password === password) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          const handles = new Map<number, { file?: FileHandle; dir?: string; listed?: boolean }>();
          let next = 0;
          const handleOf = (buffer: Buffer) => (buffer.length === 4 ? handles.get(buffer.readUInt32BE(0)) : undefined);
          const newHandle = (value: { file?: FileHandle; dir?: string }) => {
            const id = next++;
            handles.set(id, value);
            const buffer = Buffer.alloc(4);
            buffer.writeUInt32BE(id, 0);
            return buffer;
          };
          sftp.on('REALPATH', (reqid, requested) => {
            const resolved = path.posix.resolve('/', requested);
            sftp.name(reqid, [{ filename: resolved, longname: resolved, attrs: {} as never }]);
          });
          const statHandler = async (reqid: number, requested: string) => {
            const s = await stat(inside(requested)).catch(() => undefined);
            if (!s) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            sftp.attrs(reqid, attrsOf(s));
          };
          sftp.on('STAT', statHandler);
          sftp.on('LSTAT', statHandler);
          sftp.on('OPENDIR', async (reqid, requested) => {
            const dir = inside(requested);
            const s = await stat(dir).catch(() => undefined);
            if (!s?.isDirectory()) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            sftp.handle(reqid, newHandle({ dir }));
          });
          sftp.on('READDIR', async (reqid, handle) => {
            const h = handleOf(handle);
            if (!h?.dir) return sftp.status(reqid, STATUS_CODE.FAILURE);
            if (h.listed) return sftp.status(reqid, STATUS_CODE.EOF);
            h.listed = true;
            const names = await readdir(h.dir);
            const entries = [];
            for (const name of names) {
              const s = await stat(path.join(h.dir, name)).catch(() => undefined);
              if (!s) continue;
              const type = s.isDirectory() ? 'd' : '-';
              entries.push({ filename: name, longname: `${type}rw-r--r-- 1 planner planner ${s.size} Jan 1 00:00 ${name}`, attrs: attrsOf(s) });
            }
            sftp.name(reqid, entries);
          });
          sftp.on('OPEN', async (reqid, requested, flags) => {
            if (flags & utils.sftp.OPEN_MODE.WRITE) return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED);
            const file = await openFile(inside(requested), 'r').catch(() => undefined);
            if (!file) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            sftp.handle(reqid, newHandle({ file }));
          });
          sftp.on('FSTAT', async (reqid, handle) => {
            const h = handleOf(handle);
            if (!h?.file) return sftp.status(reqid, STATUS_CODE.FAILURE);
            sftp.attrs(reqid, attrsOf(await h.file.stat()));
          });
          sftp.on('READ', async (reqid, handle, offset, length) => {
            const h = handleOf(handle);
            if (!h?.file) return sftp.status(reqid, STATUS_CODE.FAILURE);
            const buffer = Buffer.alloc(length);
            const { bytesRead } = await h.file.read(buffer, 0, length, offset);
            if (bytesRead === 0) return sftp.status(reqid, STATUS_CODE.EOF);
            sftp.data(reqid, buffer.subarray(0, bytesRead));
          });
          sftp.on('CLOSE', async (reqid, handle) => {
            const h = handleOf(handle);
            if (h) handles.delete(handle.readUInt32BE(0));
            await h?.file?.close();
            sftp.status(reqid, STATUS_CODE.OK);
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    hostKey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
