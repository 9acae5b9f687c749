import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { appRoot } from '../lib/appRoot';
import { freePort } from '../lib/stack';
import { ensureBuilt, webNodeOptions } from '../scripts/build';
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

/** CPU seconds (user + system) so far of one process; 0 once it is gone. */
async function cpuSecondsOf(pid: string): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

/** CPU seconds so far of each named process, and of every process whose command is `postgres` or `temporal`, named so. */
export async function cpuTimes(named: Record<string, number>): Promise<{ at: number; seconds: Record<string, number> }> {
  const seconds: Record<string, number> = {};
  for (const [name, pid] of Object.entries(named)) seconds[name] = await cpuSecondsOf(String(pid));
  for (const pid of (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry))) {
    const command = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (command === 'postgres' || command === 'temporal') seconds[command] = (seconds[command] ?? 0) + (await cpuSecondsOf(pid));
  }
  return { at: performance.now() / 1000, seconds };
}

/** Each process's share of one core between two readings of cpuTimes, in per cent: where the time of the work went. */
export function cpuShares(from: Awaited<ReturnType<typeof cpuTimes>>, to: Awaited<ReturnType<typeof cpuTimes>>): Record<string, number> {
  const elapsed = to.at - from.at;
  return Object.fromEntries(
    Object.entries(to.seconds).map(([name, seconds]) => [name, Math.round((100 * Math.max(0, seconds - (from.seconds[name] ?? 0))) / elapsed)]),
  );
}

/**
 * Waits until every named process (and Temporal) has used under `idlePercent` of a core
 * for a whole second: the work set off before (workflows, e-mails) is done. Returns the
 * seconds it took, or undefined when it never settled within `maxSeconds`.
 */
export async function settled(named: Record<string, number>, { idlePercent = 10, maxSeconds = 180 } = {}): Promise<number | undefined> {
  const started = performance.now();
  let from = await cpuTimes(named);
  while (performance.now() - started < maxSeconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const to = await cpuTimes(named);
    const busy = Object.entries(cpuShares(from, to)).filter(([name, share]) => name !== 'postgres' && share >= idlePercent);
    if (busy.length === 0) return (performance.now() - started) / 1000 - 1;
    from = to;
  }
  return undefined;
}

/** cpuShares as one line: "web 98%, postgres 21%". */
export const cpuLine = (shares: Record<string, number>) =>
  Object.entries(shares)
    .map(([name, share]) => `${name} ${share}%`)
    .join(', ');

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

/** Logs a staff member in as a browser behind the TLS proxy does (the form's CSRF token, then the post): the cookie jar of their session. */
export async function staffLogin(baseUrl: string, email: string, password: string): Promise<Map<string, string>> {
  const form = await proxiedRequest(`${baseUrl}/staff/login?lang=en`);
  const jar = cookiesOf(form.headers);
  const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const login = await proxiedRequest(`${baseUrl}/staff/login`, {
    method: 'POST',
    headers: { cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
  });
  if (login.status !== 303) throw new Error(`login of ${email} answered ${login.status}`);
  return cookiesOf(login.headers, jar);
}

/** The platform's settings as a production process reads them from its environment. */
const platformEnv = (platform: Platform) => ({
  DATABASE_URL: platform.config.DATABASE_URL,
  TEMPORAL_ADDRESS: platform.config.TEMPORAL_ADDRESS,
  TEMPORAL_NAMESPACE: platform.config.TEMPORAL_NAMESPACE,
  TEMPORAL_TASK_QUEUE: platform.config.TEMPORAL_TASK_QUEUE,
  SMTP_URL: platform.config.SMTP_URL,
});

/**
 * One production process (`entry`, after `nodeArgs`) in `cwd`, logging as
 * production does (at info) to a file of its own rather than this terminal;
 * `stop()` ends it with SIGTERM and removes the log once it exited cleanly.
 */
async function spawnLogged(name: string, entry: string[], env: Record<string, string | undefined>, nodeArgs: string[], cwd: string) {
  const logFile = path.join(await mkdtemp(path.join(os.tmpdir(), `workshop-bench-${name}-`)), `${name}.log`);
  const logFd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, ...entry], { cwd, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', logFd, 'inherit'] });
  closeSync(logFd);
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) console.error(`the ${name} process stopped (exit ${code}); its log: ${logFile}`);
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    if (code === 0) await rm(path.dirname(logFile), { recursive: true, force: true });
  };
  return { child, logFile, stop };
}

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
  const entry = [...webNodeOptions, ...(run === 'compiled' ? ['dist/server.js'] : ['--import', 'tsx', 'web/server.ts'])];
  const { child: web, logFile, stop } = await spawnLogged('web', entry, { PORT: String(port), PUBLIC_URL: baseUrl, ...platformEnv(platform), ...env }, nodeArgs, cwd);
  for (;;) {
    if (await request(`${baseUrl}/healthz`).catch(() => undefined)) break;
    if (web.exitCode !== null) throw new Error(`the web process stopped (exit ${web.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { baseUrl, web, logFile, stop };
}

/**
 * bench/bareJobsList.mjs in its own process: the jobs list's two statements
 * (`{ text, values }`, as our page runs them) on a bare Express + pg + Eta
 * page, the jobs list's own ceiling beside the fortunes page. Answers once
 * its page is served.
 */
export async function startBareJobsList(
  databaseUrl: string,
  statements: { session: { text: string; values: unknown[] }; list: { text: string; values: unknown[] } },
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/jobs`;
  const env = { DATABASE_URL: databaseUrl, PORT: String(port), SESSION_STATEMENT: JSON.stringify(statements.session), LIST_STATEMENT: JSON.stringify(statements.list) };
  const { child, stop } = await spawnLogged('bare-jobs-list', [path.join(appRoot, 'bench', 'bareJobsList.mjs')], env, [], appRoot);
  for (;;) {
    const answer = await request(url).catch(() => undefined);
    if (answer?.status === 200) break;
    if (answer || child.exitCode !== null) throw new Error(`the bare jobs list answered ${answer?.status ?? `nothing (exit ${child.exitCode})`}: ${answer?.body ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, pid: child.pid!, stop };
}

/**
 * The compiled worker (dist/worker.js, on the workflow bundle built with it)
 * in its own process on the platform's task queue, in place of the
 * platform's in-process worker (stopped first), as production runs it:
 * activities and workflow tasks then no longer share this process's event
 * loop with the bench's own client and the mail catcher. Answers once it
 * polls; `stop()` ends it (in-flight tasks finish). The platform's own
 * worker stays stopped: the bench closes the platform next.
 */
export async function startWorkerProcess(
  platform: Platform,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<{ worker: ChildProcess; logFile: string; stop(): Promise<void> }> {
  await ensureBuilt();
  await platform.stopWorker();
  const { child: worker, logFile, stop } = await spawnLogged('worker', ['dist/worker.js'], { PUBLIC_URL: platform.baseUrl, ...platformEnv(platform), ...env }, nodeArgs, appRoot);
  for (;;) {
    if ((await readFile(logFile, 'utf8')).includes('worker polling')) break;
    if (worker.exitCode !== null) throw new Error(`the worker process stopped (exit ${worker.exitCode}); its log: ${logFile}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { worker, logFile, stop };
}
