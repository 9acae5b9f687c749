import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { appRoot } from '../lib/appRoot';
import { freePort } from '../lib/stack';
import { ensureBuilt } from '../scripts/build';
import type { Platform } from '../test/support/harness';

/** The value at percentile `p` (0-100) of `values`. */
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request, its body read as text. */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; agent?: http.Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface WebProcessOptions {
  /**
   * 'compiled' (the default: benchmarks measure the production build): node
   * dist/server.js, built first (scripts/build.ts) when missing or older than
   * the sources; 'source': tsx web/server.ts. BENCH_WEB=source switches the default.
   */
  run?: 'compiled' | 'source';
  /** the folder it runs in: the project root, or an image's layout staged by scripts/build.ts stage() (taken as built) */
  cwd?: string;
}

/** What the TLS proxy in front of production adds to every request. */
export const proxied = { 'x-forwarded-proto': 'https' };

/** One request as it reaches the web process through its TLS proxy. */
export const proxiedRequest = (url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  request(url, { ...options, headers: { ...proxied, ...options.headers } });

/** The cookies an answer sets, added to `jar`. */
export const cookiesOf = (headers: http.IncomingHttpHeaders, jar = new Map<string, string>()) => {
  for (const cookie of headers['set-cookie'] ?? []) {
    const [pair] = cookie.split(';');
    const [name, value] = pair!.split('=');
    jar.set(name!, value!);
  }
  return jar;
};

/** A cookie jar as the Cookie header sends it. */
export const cookieHeader = (jar: Map<string, string>) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

/**
 * The production entry point (dist/server.js, or web/server.ts) in its own
 * process, on the benchmark's platform (its database, Temporal namespace and
 * task queue), so its memory is its own; answers once it serves. `env` adds
 * to its environment (NODE_ENV and the rest), `nodeArgs` to its command line
 * (e.g. --cpu-prof).
 */
export async function startWebProcess(
  platform: Platform,
  env: Record<string, string>,
  nodeArgs: string[] = [],
  { run = process.env.BENCH_WEB === 'source' ? 'source' : 'compiled', cwd = appRoot }: WebProcessOptions = {},
): Promise<{ baseUrl: string; web: ChildProcess; logFile: string; stop(): Promise<void> }> {
  if (run === 'compiled' && cwd === appRoot) await ensureBuilt();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const entry = run === 'compiled' ? ['dist/server.js'] : ['--import', 'tsx', 'web/server.ts'];
  // It logs as production does (every request at info), to a file rather than this terminal.
  const logFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'workshop-bench-web-')), 'web.log');
  const logFd = openSync(logFile, 'a');
  const web = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATABASE_URL: platform.config.DATABASE_URL,
      TEMPORAL_ADDRESS: platform.config.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: platform.config.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: platform.config.TEMPORAL_TASK_QUEUE,
      SMTP_URL: platform.config.SMTP_URL,
      ...env,
    },
    stdio: ['ignore', logFd, 'inherit'],
  });
  closeSync(logFd);
  web.once('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`the web process stopped (exit ${code}); its log: ${logFile}`);
  });
  const stop = async () => {
    if (web.exitCode !== null) return;
    web.kill('SIGTERM');
    const code = await new Promise((resolve) => web.once('exit', resolve));
    if (code === 0) await rm(path.dirname(logFile), { recursive: true, force: true });
  };
  for (;;) {
    if (await request(`${baseUrl}/healthz`).catch(() => undefined)) break;
    if (web.exitCode !== null) throw new Error(`the web process stopped (exit ${web.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { baseUrl, web, logFile, stop };
}
