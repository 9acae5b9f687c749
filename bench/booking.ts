/**
 * bench/booking: figures for this machine, printed, never asserted.
 *  - booking confirmations per second end to end (the e-mail link opened, Confirm pressed -> job row)
 *  - p50/p95 latency of that confirmation (open + Confirm + the confirmation page)
 *  - requests per second of the portal home and of the slot page
 * Starts its own PostgreSQL, Temporal dev server and mail catcher, like the
 * tests; the web process and the worker are the production entry points in
 * production mode, each in its own process (the web behind a pretend TLS
 * proxy), as production runs them. BENCH_WORKER=in-process runs the worker in
 * this process instead, as the tests do (it then shares its event loop with
 * the bench's client and the mail catcher). Holds and confirmations are measured
 * `--runs` times (fresh bookings each time); the figures are medians of the runs.
 *   npm run bench [-- --bookings 200 --concurrency 10 --seconds 5 --runs 3]
 * BENCH_CPU_PROFILE=<folder>: the web process writes a CPU profile there when it stops;
 * BENCH_NODE_ARGS adds to its command line (e.g. "--max-semi-space-size=8"), BENCH_WORKER_NODE_ARGS to the
 * worker's (e.g. "--cpu-prof --cpu-prof-dir=/tmp/profiles").
 */
import os from 'node:os';
import '../test/setup'; // quiet Temporal runtime logs
import { estimateHours, slotRules } from '../db/locations';
import { generateSlots } from '../lib/slots';
import { book, wizardFor } from '../test/support/booking';
import { createLocation } from '../test/support/fixtures';
import { startPlatformOn } from '../test/support/harness';
import { startInfrastructure } from '../test/support/infrastructure';
import { median, numberArgs, report } from './report';
import { cpuLine, cpuShares, cpuTimes, proxied, rssMb, settled, startWebProcess, startWorkerProcess } from './webProcess';

const { bookings, concurrency, seconds, runs } = numberArgs({ bookings: 200, concurrency: 10, seconds: 5, runs: 3 });
// Behind its TLS proxy, as in production: every request says https (the session cookie is Secure).

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `task` with `concurrency` loops until `count` tasks are done; returns each task's latency. */
async function pool(count: number, task: (i: number) => Promise<void>): Promise<{ elapsedMs: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { elapsedMs: performance.now() - started, latencies: latencies.sort((a, b) => a - b) };
}

/** Requests per second of one URL for `seconds`, with `concurrency` loops. */
async function throughput(url: string, headers: Record<string, string> = {}): Promise<{ rps: number; p50: number; p95: number }> {
  const deadline = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const response = await fetch(url, { headers: { ...proxied, ...headers } });
        if (!response.ok) throw new Error(`${url} answered ${response.status}`);
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

async function main() {
  const infrastructure = await startInfrastructure();
  const platform = await startPlatformOn(infrastructure, { DATABASE_POOL_MAX: '20' });
  const profile = [...(process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []), ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  const production = { NODE_ENV: 'production', SESSION_SECRET: 'bench-only-session-secret-0123456789abcdef', TRUST_PROXY: 'loopback', DATABASE_POOL_MAX: '20' };
  const { baseUrl, web, stop } = await startWebProcess(platform, production, profile);
  const workerArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const worker = process.env.BENCH_WORKER === 'in-process' ? undefined : await startWorkerProcess(platform, production, workerArgs);
  let peakRss = 0;
  const sampler = setInterval(() => void rssMb(web.pid!).then((mb) => (peakRss = Math.max(peakRss, mb)), () => undefined), 100);
  const mailApi = infrastructure.mailApiUrl;
  try {
    const { location } = await createLocation(platform.db, { slot_capacity: 100, booking_horizon_days: 7 });
    // Capacity is at most 100 per slot: spread the bookings over as many slots as needed.
    const offered = generateSlots(await estimateHours(platform.db, location.id), slotRules(location), new Date());
    const holds: number[] = [];
    const confirmations: number[] = [];
    const p50s: number[] = [];
    const p95s: number[] = [];
    const links = new Map<string, string>();
    // Per stage of one confirmation: opening the link, the Confirm POST (the Temporal Update), the confirmation page.
    const stages = { open: [] as number[], confirm: [] as number[], page: [] as number[] };
    // How long the work a run's confirmations set off (the jobs' D4 and check-in workflows, the e-mails) went on after their answers.
    const drains: number[] = [];
    await settled({ web: web.pid!, ...(worker ? { worker: worker.worker.pid! } : {}) });
    for (let run = 0; run < runs; run++) {
      // Different customers, as in life: each their own e-mail address and phone number (one shared number
      // made every booking wait for the one before it, on the customer match's lock of that number).
      const wizards = Array.from({ length: bookings }, (_, i) => {
        const n = run * bookings + i;
        const wizard = wizardFor(location, offered[Math.floor(n / 100)]!.start.toISOString());
        wizard.contact!.phone = `+32 47${String(n).padStart(7, '0')}`;
        return wizard;
      });
      // Holds first, then the measured part: customers clicking their links.
      // Where the time goes: each process's CPU during the phase (the bench itself: the client, and the mail catcher).
      const processes = { web: web.pid!, ...(worker ? { worker: worker.worker.pid! } : {}), bench: process.pid };
      const holdCpu = await cpuTimes(processes);
      const holdStart = performance.now();
      await pool(bookings, async (i) => {
        const { hold } = await book(platform, location, wizards[i]!);
        if (!hold.held) throw new Error('bench booking was not held');
      });
      holds.push(bookings / ((performance.now() - holdStart) / 1000));
      const holdShares = cpuShares(holdCpu, await cpuTimes(processes));
      const wanted = new Set(wizards.map((w) => w.contact!.email));
      const found = () => [...wanted].filter((email) => links.has(email)).length;
      while (found() < bookings) {
        const all = (await (await fetch(`${mailApi}/email`)).json()) as { to: { address: string }[]; text: string }[];
        for (const message of all) {
          const link = message.text.match(/https?:\/\/\S+(\/b\/[\w-]+\?lang=\w+)/)?.[1];
          // The link names the platform's address; the bench opens it on the production web process.
          if (link) links.set(message.to[0]!.address, `${baseUrl}${link}`);
        }
        if (found() < bookings) await new Promise((resolve) => setTimeout(resolve, 200));
      }

      // As the customer does: open the link (it shows the booking), press Confirm (the POST), see the confirmation.
      const confirmCpu = await cpuTimes(processes);
      const confirm = await pool(bookings, async (i) => {
        const link = links.get(wizards[i]!.contact!.email)!;
        const t0 = performance.now();
        const opened = await fetch(link, { headers: proxied });
        const cookie = opened.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
        const csrf = /name="_csrf" value="([^"]+)"/.exec(await opened.text())?.[1];
        if (!csrf) throw new Error(`the link's page has no Confirm form: ${opened.status}`);
        const t1 = performance.now();
        const posted = await fetch(link, {
          method: 'POST',
          headers: { ...proxied, cookie, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrf }),
          redirect: 'manual',
        });
        await posted.arrayBuffer();
        if (posted.status !== 303) throw new Error(`Confirm answered ${posted.status}`);
        const t2 = performance.now();
        // Post/Redirect/Get: the link again, now the confirmation.
        const confirmed = await fetch(new URL(posted.headers.get('location')!, link), { headers: { ...proxied, cookie } });
        const html = await confirmed.text();
        stages.open.push(t1 - t0);
        stages.confirm.push(t2 - t1);
        stages.page.push(performance.now() - t2);
        if (!html.includes('data-testid="job-number"')) throw new Error(`confirmation failed: ${confirmed.status}`);
      });
      confirmations.push(bookings / (confirm.elapsedMs / 1000));
      const confirmShares = cpuShares(confirmCpu, await cpuTimes(processes));
      p50s.push(percentile(confirm.latencies, 50));
      p95s.push(percentile(confirm.latencies, 95));
      console.log(`run ${run + 1}: holds ${holds.at(-1)!.toFixed(1)}/s, confirmations ${confirmations.at(-1)!.toFixed(1)}/s, p50 ${p50s.at(-1)!.toFixed(0)} ms, p95 ${p95s.at(-1)!.toFixed(0)} ms`);
      console.log(`  CPU during the holds: ${cpuLine(holdShares)}; during the confirmations: ${cpuLine(confirmShares)}`);
      // The next run's holds start on a settled machine, as the first run's do (they once met this run's backlog: half the holds a second).
      const drain = await settled(processes);
      if (drain === undefined) throw new Error('the work the confirmations set off did not settle in 3 minutes');
      drains.push(drain);
      console.log(`  the confirmations' follow-up work went on ${drain.toFixed(0)} s after the last answer`);
    }
    const jobs = await platform.db('jobs').where({ location_id: location.id }).count({ n: '*' }).first();
    if (Number(jobs?.n) !== bookings * runs) throw new Error(`expected ${bookings * runs} jobs, found ${jobs?.n}`);

    const home = await throughput(`${baseUrl}/p/${location.slug}?lang=en`);
    // A wizard session standing at the slot step.
    const cookie = await wizardAtSlotStep(baseUrl, location.slug);
    const slots = await throughput(`${baseUrl}/p/${location.slug}/estimate/slot`, { cookie });
    clearInterval(sampler);

    console.log(`\nbench/booking on ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''}, Node ${process.version}`);
    console.log(`concurrency ${concurrency}, ${bookings} bookings per run, ${runs} runs (medians), ${seconds}s per page`);
    report('bench/booking', [
      { figure: `holds (update-with-start), concurrency ${concurrency}`, value: median(holds), unit: '/s', target: '>= 60/s', met: median(holds) >= 60 },
      { figure: 'confirmations end to end (link opened, Confirm, confirmation page)', value: median(confirmations), unit: '/s' },
      { figure: 'confirmation link p50 (open + Confirm + confirmation page)', value: median(p50s), unit: 'ms' },
      { figure: `confirmation link p95, concurrency ${concurrency}`, value: median(p95s), unit: 'ms', target: '< 150 ms', met: median(p95s) < 150 },
      { figure: 'confirmation stage p50: opening the link', value: median(stages.open), unit: 'ms' },
      { figure: 'confirmation stage p50: Confirm POST (Temporal Update to the job row)', value: median(stages.confirm), unit: 'ms' },
      { figure: 'confirmation stage p50: the confirmation page', value: median(stages.page), unit: 'ms' },
      { figure: `follow-up work of ${bookings} confirmations, after the last answer`, value: median(drains), unit: 's' },
      { figure: 'portal home', value: home.rps, unit: `req/s (p50 ${home.p50.toFixed(1)} ms, p95 ${home.p95.toFixed(1)} ms)` },
      { figure: 'slot page', value: slots.rps, unit: `req/s (p50 ${slots.p50.toFixed(1)} ms, p95 ${slots.p95.toFixed(1)} ms)` },
      { figure: 'web peak RSS', value: peakRss, unit: 'MB', target: '< 200 MB', met: peakRss < 200 },
    ]);
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await stop();
    await worker?.stop();
    await platform.close();
    await infrastructure.stop();
  }
}

/** Walks a fresh session through contact and vehicle, as a browser without JavaScript would. */
async function wizardAtSlotStep(baseUrl: string, slug: string): Promise<string> {
  // Every cookie the pages set, as a browser keeps them (the visitor's CSRF cookie, then the session's).
  const jar = new Map<string, string>();
  let cookie = '';
  const remember = (response: Response) => {
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  };
  const page = await fetch(`${baseUrl}/p/${slug}/estimate/contact`, { headers: proxied });
  remember(page);
  const csrf = (await page.text()).match(/name="_csrf" value="([^"]+)"/)![1]!;
  const post = async (step: string, body: Record<string, string>) => {
    const response = await fetch(`${baseUrl}/p/${slug}/estimate/${step}`, {
      method: 'POST',
      headers: { ...proxied, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...body }),
      redirect: 'manual',
    });
    remember(response);
    if (response.status !== 303) throw new Error(`${step} answered ${response.status}`);
  };
  await post('contact', { firstName: 'Bench', lastName: 'Mark', email: 'bench@example.test', consent: 'yes' });
  const form = new FormData();
  for (const [key, value] of Object.entries({ _csrf: csrf, plate: '1-BEN-001', make: 'Audi', model: 'A3' })) form.set(key, value);
  const vehicle = await fetch(`${baseUrl}/p/${slug}/estimate/vehicle`, { method: 'POST', headers: { ...proxied, cookie }, body: form, redirect: 'manual' });
  if (vehicle.status !== 303) throw new Error(`vehicle answered ${vehicle.status}`);
  return cookie;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
