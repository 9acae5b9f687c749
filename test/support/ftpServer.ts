import { FtpSrv } from 'ftp-srv';
import { freePorts } from '../../lib/stack';

export interface FtpServer {
  host: string;
  port: number;
  username: string;
  password: string;
  close(): Promise<void>;
}

/**
 * A real FTP server on loopback (ftp-srv), serving `root` to one user with
 * a password, passive mode on loopback ports: the tests' stand-in for a
 * planner's FTP server.
 */
export async function startFtpServer(root: string, { username = 'planner', password = 'secret-pass' } = {}): Promise<FtpServer> {
  const [port, pasvMin] = (await freePorts(2)) as [number, number];
  const server = new FtpSrv({
    url: `ftp://127.0.0.1:${port}`,
    pasv_url: '127.0.0.1',
    pasv_min: pasvMin,
    pasv_max: pasvMin + 20,
    anonymous: false,
    greeting: 'test planner FTP',
    log: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: function () { return this; } } as never,
  });
  server.on('login', ({ username: user, password: pass }, resolve, reject) => {
    if (user === username && pass === password) resolve({ root });
    else reject(new Error('bad login'));
  });
  server.on('client-error', () => undefined);
  await server.listen();
  return { host: '127.0.0.1', port, username, password, close: () => server.close() as Promise<void> };
}
