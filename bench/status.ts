/**
 * bench/status: figures for this machine, printed, never asserted.
 *  - requests per second (and p50/p95) of the P5 status page
 *  - how many live status pages (server-sent event streams) one web process
 *    holds, its memory per open page, and how long one job change takes to
 *    reach all of them
 * The web process is the production entry point in production mode
 * (NODE_ENV=production: templates cached, secure cookies behind its TLS
 * proxy) in its own process, so its memory is its own; PostgreSQL, Temporal
 * and the mail catcher are started like the tests do. The fan-out is
 * measured `--changes` times (each a step of the job's D4 workflow); the
 * figures are medians.
 *   npm run bench:status [-- --seconds 5 --concurrency 10 --streams 2000 --changes 5]
 * BENCH_CPU_PROFILE=<folder>: the web process writes a CPU profile there when it stops;
 * BENCH_NODE_ARGS adds to its command line (e.g. "--max-semi-space-size=8").
 */
import http from 'node:http';
import '../test/setup'; // quiet Temporal runtime logs
import { advanceJob } from '../clients/jobLifecycle';
import { createJob, createLocation } from '../test/support/fixtures';
import { startPlatformOn } from '../test/support/harness';
import { startInfrastructure } from '../test/support/infrastructure';
import { median, numberArgs, report } from './report';
import { percentile, proxied, request as plainRequest, rssMb, startWebProcess } from './webProcess';

const { seconds, concurrency, streams, changes } = numberArgs({ seconds: 5, concurrency: 10, streams: 2_000, changes: 5 });

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
// Behind its TLS proxy, as in production: every request says https (the session cookie is Secure).
const request = (url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  plainRequest(url, { ...options, headers: { ...proxied, ...options.headers }, agent });

const infrastructure = await startInfrastructure();
const platform = await startPlatformOn(infrastructure);
const profile = [...(process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
const { baseUrl, web, stop } = await startWebProcess(
  platform,
  { NODE_ENV: 'production', SESSION_SECRET: 'bench-only-session-secret-0123456789abcdef', TRUST_PROXY: 'loopback' },
  profile,
);
let peakRss = 0;
const sampler = setInterval(() => void rssMb(web.pid!).then((mb) => (peakRss = Math.max(peakRss, mb)), () => undefined), 100);
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

  // 2. Open live status pages, then `changes` changes to all of them, one after the other.
  const before = await rssMb(web.pid!);
  let connected = 0;
  let allConnected!: () => void;
  const connectedAll = new Promise<void>((resolve) => (allConnected = resolve));
  // Per change: how many pages have its timeline, and who waits for all of them.
  let round = 0;
  const seen = new Array<number>(streams).fill(0);
  let updated = 0;
  let allUpdated: () => void = () => undefined;
  let checked = false;
  const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  for (let i = 0; i < streams; i++) {
    const req = http.get(`${statusUrl}/events`, { headers: { ...proxied, cookie, accept: 'text/event-stream' }, agent: streamAgent }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (chunk.includes(': connected') && ++connected === streams) allConnected();
        if (round > seen[i]! && chunk.includes('event: timeline')) {
          // Every page gets the timeline of its own job, in its language.
          if (!checked && !chunk.includes('data-step')) throw new Error(`not a timeline: ${chunk.slice(0, 200)}`);
          checked = true;
          seen[i] = round;
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
  // Steps the D4 workflow takes in order, then back and forth (each a change of the job).
  const steps = ['vehicle_in', 'activity_started'] as const;
  const step = (c: number) => (c < steps.length ? steps[c]! : (c - steps.length) % 2 === 0 ? 'waiting_for_customer' : 'customer_answered');
  const fanOut: number[] = [];
  const advanced: number[] = [];
  for (let c = 0; c < changes; c++) {
    updated = 0;
    const updatedAll = new Promise<void>((resolve) => (allUpdated = resolve));
    round = c + 1;
    const t0 = performance.now();
    const result = await advanceJob(lifecycle, job, { type: step(c), at: new Date().toISOString() });
    if (!result.ok) throw new Error(`${step(c)} refused: ${result.refusal}`);
    advanced.push(performance.now() - t0);
    await updatedAll;
    fanOut.push(performance.now() - t0);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  clearInterval(sampler);
  const statusP99 = percentile(latencies, 99);

  console.log(`status page: ${rps.toFixed(0)} req/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms (concurrency ${concurrency}, ${seconds} s)`);
  console.log(`live status pages: ${streams} open in one web process, RSS ${before.toFixed(0)} MB -> ${during.toFixed(0)} MB (${(((during - before) * 1024) / streams).toFixed(1)} kB per open page), peak ${peakRss.toFixed(0)} MB`);
  console.log(`one job change reached all ${streams} pages in ${fanOut.map((ms) => ms.toFixed(0)).join(', ')} ms (step accepted by the workflow, NOTIFY, re-render, send); the Update itself answered in ${advanced.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  report('bench/status', [
    { figure: `status page req/s (concurrency ${concurrency})`, value: rps, unit: 'req/s' },
    { figure: 'status page p99', value: statusP99, unit: 'ms' },
    { figure: `one job change reaching ${streams} open status pages (median of ${changes})`, value: median(fanOut), unit: 'ms', target: '< 200 ms', met: median(fanOut) < 200 },
    { figure: `web RSS per open status page (${streams} open)`, value: ((during - before) * 1024) / streams, unit: 'kB' },
    { figure: 'web peak RSS', value: peakRss, unit: 'MB', target: '< 200 MB', met: peakRss < 200 },
  ]);
} finally {
  for (const socket of sockets) socket.destroy();
  await stop();
  await platform.close();
  await infrastructure.stop();
}
