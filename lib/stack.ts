/**
 * Starts the real servers the platform talks to, for `./dev start` and for
 * the test run: embedded PostgreSQL, the Temporal CLI dev server (with its
 * Web UI) and the MailDev SMTP catcher (with its mail page and REST API).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { MailDev } from 'maildev';
import { ROOT } from './config';


export interface Service {
  stop(): Promise<void>;
}

/** A free TCP port on loopback, for servers whose port we do not care about. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/** `count` different free TCP ports on loopback: all held open at once while chosen, so no two are the same. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.unref();
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Fails early, with the variable to change, when a fixed port is taken (often: another ./dev start). */
export async function assertPortFree(port: number, what: string, variable: string): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) throw new Error(`Port ${port} for ${what} is already in use (another ./dev start?). Stop it, or set ${variable}.`);
}

async function waitFor(what: string, check: () => Promise<unknown>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await check();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000}s: ${String(lastError)}`);
}

export function temporalCliPath(): string {
  return process.env.TEMPORAL_CLI ?? path.join(ROOT, '.tools', 'venv', 'bin', 'temporal');
}

/** Temporal's time-skipping test server (for timers of days, tested in seconds). */
export function temporalTestServerPath(): string {
  return process.env.TEMPORAL_TEST_SERVER ?? path.join(ROOT, '.tools', 'venv', 'bin', 'temporal-test-server');
}

export interface TemporalOptions {
  port: number;
  uiPort?: number;
  /** SQLite file for a dev server that keeps its history; in memory when absent */
  dbFile?: string;
  log?: (line: string) => void;
}

export interface RunningTemporal extends Service {
  address: string;
  uiUrl?: string;
}

/** The Temporal CLI dev server; SQLite in WAL mode, or it crawls. */
export async function startTemporal({ port, uiPort, dbFile, log }: TemporalOptions): Promise<RunningTemporal> {
  const cli = temporalCliPath();
  if (!existsSync(cli)) throw new Error(`Temporal CLI not found at ${cli}; run ./dev start or ./dev test, which install it`);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error', '--log-format', 'pretty'];
  args.push('--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  if (dbFile) {
    await mkdir(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  if (uiPort) args.push('--ui-port', String(uiPort), '--ui-ip', '127.0.0.1');
  else args.push('--headless');
  // Search attributes are registered here for speed; workers also ensure them (clients/temporal.ts).
  for (const name of ['Plate', 'Location', 'JobNumber']) args.push('--search-attribute', `${name}=Keyword`);

  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const forward = (chunk: Buffer) => log?.(chunk.toString().trimEnd());
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  let exited = false;
  child.once('exit', () => (exited = true));
  const address = `127.0.0.1:${port}`;
  await waitFor('Temporal dev server', async () => {
    if (exited) throw new Error('the Temporal dev server exited');
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
    } finally {
      await connection.close();
    }
  });
  return {
    address,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined,
    stop: () => stopChild(child),
  };
}

/** Asks a child process to stop (`signal`), and insists (`insist`) should it still run after `graceMs`. */
export function stopChild(
  child: ChildProcess,
  graceMs = 10_000,
  { signal, insist }: { signal: NodeJS.Signals; insist: NodeJS.Signals } = { signal: 'SIGTERM', insist: 'SIGKILL' },
): Promise<void> {
  return new Promise((resolve) => {
    // Gone already, or never started (a spawn error).
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const timer = setTimeout(() => child.kill(insist), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export interface RunningMailCatcher extends Service {
  smtpUrl: string;
  webUrl: string;
}

/** MailDev: an SMTP server that keeps every message, with a web page and a REST API (/api/email). */
export async function startMailCatcher({ smtpPort, webPort }: { smtpPort: number; webPort: number }): Promise<RunningMailCatcher> {
  const maildev = new MailDev({ smtp: smtpPort, web: webPort, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true });
  await maildev.start();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    webUrl: `http://127.0.0.1:${webPort}`,
    stop: () => maildev.stop(),
  };
}
