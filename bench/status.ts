/**
 * bench/status: figures for this machine, printed, never asserted.
 *  - requests per second (and p50/p95) of the P5 status page
 *  - how many live status pages (server-sent event streams) one web process
 *    holds, its memory per open page, and how long one job change takes to
 *    reach all of them
 * The web process is the production entry point (web/server.ts) in its own
 * process, so its memory is its own; PostgreSQL, Temporal and the mail
 * catcher are started like the tests do.
 *   npm run bench:status [-- --seconds 5 --concurrency 10 --streams 2000]
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import '../test/setup'; // quiet Temporal runtime logs
import { advanceJob } from '../clients/jobLifecycle';
import { createJob, createLocation } from '../test/support/fixtures';
import { startPlatformOn } from '../test/support/harness';
import { startInfrastructure } from '../test/support/infrastructure';
import { percentile, request as plainRequest, rssMb, startWebProcess } from './webProcess';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '10' },
    streams: { type: 'string', default: '2000' },
  },
});
const seconds = Number(args.seconds);
const concurrency = Number(args.concurrency);
const streams = Number(args.streams);

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const request = (url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) => plainRequest(url, { ...options, agent });

const infrastructure = await startInfrastructure();
const platform = await startPlatformOn(infrastructure);
const { baseUrl, web, stop } = await startWebProcess(platform, { NODE_ENV: 'development' });
const sockets: http.ClientRequest[] = [];
try {
  const { location } = await createLocation(platform.db);
  const job = await createJob(platform.db, location, '1-BEN-001');
  const lifecycle = { db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
  await advanceJob(lifecycle, job, { type: 'appointment', at: new Date().toISOString() });

  // One visitor proves plate + job number; the bench then reuses that session.
  const form = await request(`${baseUrl}/p/${location.slug}/lookup/status?lang=en`);
  let cookie = (form.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const lookup = await request(`${baseUrl}/p/${location.slug}/lookup/status`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, plate: '1BEN001', jobNumber: job.job_number }).toString(),
  });
  if (lookup.status !== 303) throw new Error(`look-up answered ${lookup.status}`);
  // Proving plate + job number gives a new session id (P6): the page is read with that one.
  cookie = (lookup.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ') || cookie;
  const statusUrl = `${baseUrl}/p/${location.slug}/status/${job.job_number}`;

  // 1. Status page throughput.
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const page = await request(statusUrl, { headers: { cookie } });
        if (page.status !== 200) throw new Error(`status page answered ${page.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const rps = latencies.length / seconds;

  // 2. Open live status pages, then one change to all of them.
  const before = await rssMb(web.pid!);
  let connected = 0;
  let updated = 0;
  let allConnected!: () => void;
  let allUpdated!: () => void;
  const connectedAll = new Promise<void>((resolve) => (allConnected = resolve));
  const updatedAll = new Promise<void>((resolve) => (allUpdated = resolve));
  const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  for (let i = 0; i < streams; i++) {
    const req = http.get(`${statusUrl}/events`, { headers: { cookie, accept: 'text/event-stream' }, agent: streamAgent }, (res) => {
      res.setEncoding('utf8');
      let seen = false;
      res.on('data', (chunk: string) => {
        if (chunk.includes(': connected') && ++connected === streams) allConnected();
        if (!seen && chunk.includes('event: timeline')) {
          seen = true;
          if (++updated === streams) allUpdated();
        }
      });
    });
    req.on('error', () => undefined);
    sockets.push(req);
    if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await connectedAll;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const during = await rssMb(web.pid!);
  const t0 = performance.now();
  await advanceJob(lifecycle, job, { type: 'vehicle_in', at: new Date().toISOString() });
  await updatedAll;
  const fanOutMs = performance.now() - t0;

  console.log(`status page: ${rps.toFixed(0)} req/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms (concurrency ${concurrency}, ${seconds} s)`);
  console.log(`live status pages: ${streams} open in one web process, RSS ${before.toFixed(0)} MB -> ${during.toFixed(0)} MB (${(((during - before) * 1024) / streams).toFixed(1)} kB per open page)`);
  console.log(`one job change reached all ${streams} pages in ${fanOutMs.toFixed(0)} ms (step accepted by the workflow, NOTIFY, re-render, send)`);
} finally {
  for (const socket of sockets) socket.destroy();
  await stop();
  await platform.close();
  await infrastructure.stop();
}
