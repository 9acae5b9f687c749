import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { freePort } from '../lib/stack';
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

/**
 * The production entry point (web/server.ts) in its own process, on the
 * benchmark's platform (its database, Temporal namespace and task queue), so
 * its memory is its own; answers once it serves. `env` adds to its
 * environment (NODE_ENV and the rest), `nodeArgs` to its command line.
 */
export async function startWebProcess(platform: Platform, env: Record<string, string>, nodeArgs: string[] = []): Promise<{ baseUrl: string; web: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const web = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'web/server.ts'], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATABASE_URL: platform.config.DATABASE_URL,
      TEMPORAL_ADDRESS: platform.config.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: platform.config.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: platform.config.TEMPORAL_TASK_QUEUE,
      SMTP_URL: platform.config.SMTP_URL,
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = async () => {
    if (web.exitCode !== null) return;
    web.kill('SIGTERM');
    await new Promise((resolve) => web.once('exit', resolve));
  };
  for (;;) {
    if (await request(`${baseUrl}/healthz`).catch(() => undefined)) break;
    if (web.exitCode !== null) throw new Error(`the web process stopped (exit ${web.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { baseUrl, web, stop };
}
