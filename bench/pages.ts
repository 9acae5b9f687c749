/**
 * bench/pages: requests per second and p99 of the customer portal's pages and
 * of the staff lists, beside the bare Express + pg + Eta fortunes page measured
 * in the same run (issue 14). Printed, never asserted.
 *  - portal home, estimate contact step, status look-up page, check-in page:
 *    target >= 0.5x fortunes, p99 < 50 ms
 *  - staff jobs list and lead manager with 5,000 jobs and 5,000 leads in the
 *    database: target >= 0.3x fortunes, p99 < 100 ms
 *  - the web process's peak RSS while under load: target < 200 MB
 * Beside the jobs list, its own ceiling: bench/bareJobsList.mjs, a bare
 * Express + pg + Eta page running the same two statements (the session with
 * its staff member, the list) and rendering its 50 rows; the jobs list's
 * ratio to it is what our own stack costs (sessions, CSRF, helmet, logging,
 * i18n, the layout) beyond the database work.
 * Autocannon at --connections (50), median of --runs (3) runs; each round
 * measures fortunes first, then every page. Visitors to the portal pages come
 * without cookies, as a new visitor does; staff pages carry a logged-in session.
 * The web process is the production entry point in its own process.
 *   npm run bench:pages [-- --seconds 10 --runs 3 --rows 5000]
 * BENCH_CPU_PROFILE=<folder> writes the web process's CPU profile there when it
 * stops; BENCH_PAGES=home,status limits the pages measured; BENCH_WEB_NODE_ARGS
 * adds to the web process's node options.
 */
import autocannon from 'autocannon';
import type { Knex } from 'knex';
import type pg from 'pg';
import { listJobs } from '../db/jobs';
import { listLeads } from '../db/leadManager';
import { sessionWithStaff } from '../db/staff';
import '../test/setup'; // quiet Temporal runtime logs
import { appointmentWithCheckinLink } from '../test/support/checkin';
import { createLocation, createStaff } from '../test/support/fixtures';
import { createDatabase, startPlatformOn } from '../test/support/harness';
import { startInfrastructure } from '../test/support/infrastructure';
import { fortunes, median, numberArgs, report, type Figure } from './report';
import { cookieHeader, cpuShares, cpuTimes, proxied, proxiedRequest as request, rssMb, staffLogin, startBareJobsList, startWebProcess } from './webProcess';

const { seconds, runs, rows, connections } = numberArgs({ seconds: 10, runs: 3, rows: 5_000, connections: 50 });



interface Page {
  key: string;
  name: string;
  path: string;
  headers: Record<string, string>;
  /** a text the page must hold, so the figures are of the real page */
  shows: string;
  minRatio: number;
  maxP99: number;
}

const infrastructure = await startInfrastructure();
const platform = await startPlatformOn(infrastructure);
const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
// BENCH_WEB_NODE_ARGS="--max-old-space-size=96": what the web process's memory does with Node's heap limits.
profile.push(...(process.env.BENCH_WEB_NODE_ARGS?.split(' ').filter(Boolean) ?? []));
const { baseUrl, web, stop } = await startWebProcess(
  platform,
  { NODE_ENV: 'production', SESSION_SECRET: 'bench-only-session-secret-0123456789abcdef', TRUST_PROXY: 'loopback' },
  profile,
);
let bare: Awaited<ReturnType<typeof startBareJobsList>> | undefined;
try {
  const { db } = platform;
  const { companyId, location } = await createLocation(db, { name: 'Bench Garage', slug: 'ghent' });
  await createLocation(db, { companyId, name: 'Bench Garage Two', slug: 'ghent-two' });
  const staff = await createStaff(db, companyId, 'service_advisor');
  const { token } = await appointmentWithCheckinLink(db, location);

  // 5,000 jobs, each with its customer and vehicle, and 5,000 leads: set-based, as an import leaves them.
  const t0 = performance.now();
  await db.raw(
    `insert into customers (company_id, first_name, last_name, email)
     select ?, 'Klant' || i, 'Bench', 'bench' || i || '@example.test' from generate_series(1, ?) as i`,
    [companyId, rows],
  );
  await db.raw(
    `insert into vehicles (company_id, customer_id, plate, plate_normalized, make, model)
     select c.company_id, c.id, 'B-' || c.id, 'B' || c.id, 'Volkswagen', 'Golf' from customers c
      where c.company_id = ? and c.last_name = 'Bench'`,
    [companyId],
  );
  await db.raw(
    `insert into jobs (company_id, location_id, job_number, customer_id, vehicle_id, source, created_at)
     select v.company_id, ?, nextval('job_number_seq')::text, v.customer_id, v.id, 'staff', now() - (v.id || ' minutes')::interval
       from vehicles v where v.company_id = ? and v.plate like 'B-%'`,
    [location.id, companyId],
  );
  await db.raw(
    `insert into leads (company_id, location_id, desired_date, time_window, services, first_name, last_name, email, phone,
                        gdpr_consent_at, plate, created_at)
     select ?, ?, current_date + (i % 30), 'morning', array['Oil change'], 'Lead' || i, 'Bench', 'lead' || i || '@example.test',
            '+32 470 ' || lpad(i::text, 6, '0'), now(), '1-LEA-' || lpad(i::text, 3, '0'), now() - (i || ' minutes')::interval
       from generate_series(1, ?) as i`,
    [companyId, location.id, rows],
  );
  await db.raw(`insert into lead_events (lead_id, from_status, to_status) select id, null, 'new' from leads where company_id = ?`, [companyId]);
  await db.raw('analyze');
  console.log(`seeded ${rows} jobs and ${rows} leads in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The staff lists' queries at this size: their plans (index scans, not a sort of every row) and times.
  const explain = async (name: string, run: () => Promise<unknown>) => {
    let captured: { sql: string; bindings: unknown[] } | undefined;
    const listen = (query: { sql: string; bindings: unknown[] }) => (captured ??= query);
    db.on('query', listen);
    await run();
    db.off('query', listen);
    const { rows: plan } = await db.raw(`explain (analyze, costs off) ${captured!.sql.replace(/\$\d+/g, '?')}`, captured!.bindings as Knex.RawBinding[]);
    const lines = (plan as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']);
    console.log(`${name}:\n  ${lines.filter((line) => /Scan|Sort|Planning Time|Execution Time|Limit/.test(line)).join('\n  ')}`);
    return { text: captured!.sql, values: captured!.bindings };
  };
  // The first page's statement is also the bare jobs list's (below).
  const listStatement = await explain('jobs list, first page', () => listJobs(db, companyId));
  const { next } = await listJobs(db, companyId);
  await explain('jobs list, second page', () => listJobs(db, companyId, { before: next! }));
  await explain('lead manager (New), first page', () => listLeads(db, companyId, { status: 'new', search: '' }));
  await explain('lead manager (all statuses), first page', () => listLeads(db, companyId, { status: 'all', search: '' }));

  // Log in as the service advisor (the lead manager is theirs).
  const jar = await staffLogin(baseUrl, staff.email, staff.password);
  const staffCookie = cookieHeader(jar);
  // The session statement our staff pages run for this session (db/staff.ts sessionWithStaff), for the bare jobs list.
  const sid = /^s:([^.]+)\./.exec(decodeURIComponent([...jar].find(([name]) => name.endsWith('workshop.sid'))![1]))![1]!;
  let sessionStatement: { text: string; values: unknown[] } | undefined;
  const recording = { query: async (query: { text: string; values: unknown[] }) => ((sessionStatement = { text: query.text, values: query.values }), { rows: [] }) };
  await sessionWithStaff(recording as unknown as pg.Pool, sid, Math.ceil(Date.now() / 1000));
  const english = { 'accept-language': 'en' };

  const pages: Page[] = [
    { key: 'home', name: 'portal home', path: `/p/${location.slug}`, headers: english, shows: 'portal-buttons', minRatio: 0.5, maxP99: 50 },
    { key: 'contact', name: 'estimate contact step', path: `/p/${location.slug}/estimate/contact`, headers: english, shows: 'name="_csrf"', minRatio: 0.5, maxP99: 50 },
    { key: 'status', name: 'status look-up page', path: `/p/${location.slug}/lookup/status`, headers: english, shows: 'name="_csrf"', minRatio: 0.5, maxP99: 50 },
    { key: 'checkin', name: 'check-in page', path: `/c/${token}`, headers: english, shows: 'name="_csrf"', minRatio: 0.5, maxP99: 50 },
    { key: 'jobs', name: `staff jobs list (${rows} jobs)`, path: '/staff/jobs', headers: { ...english, cookie: staffCookie }, shows: '/staff/jobs/', minRatio: 0.3, maxP99: 100 },
    { key: 'leads', name: `lead manager (${rows} leads)`, path: '/staff/leads', headers: { ...english, cookie: staffCookie }, shows: 'data-lead-id=', minRatio: 0.3, maxP99: 100 },
  ];
  const only = process.env.BENCH_PAGES?.split(',');
  const measured = only ? pages.filter((page) => only.includes(page.key)) : pages;
  for (const page of measured) {
    const answer = await request(`${baseUrl}${page.path}`, { headers: page.headers });
    if (answer.status !== 200 || !answer.body.includes(page.shows)) throw new Error(`${page.path} answered ${answer.status} without ${page.shows}`);
    const sessionCookie = (answer.headers['set-cookie'] ?? []).some((cookie) => cookie.includes('.sid='));
    console.log(`${page.name}: ${(Buffer.byteLength(answer.body) / 1024).toFixed(1)} kB${page.key === 'jobs' || page.key === 'leads' ? '' : sessionCookie ? ', sets a session cookie' : ', no session cookie'}`);
  }

  // The web process's peak RSS while it serves the load.
  let peakRss = 0;
  const sampler = setInterval(() => void rssMb(web.pid!).then((mb) => (peakRss = Math.max(peakRss, mb))).catch(() => undefined), 250);

  // The jobs list's own ceiling: a bare Express + pg + Eta page running its two statements (bench/bareJobsList.mjs).
  bare = measured.some((page) => page.key === 'jobs')
    ? await startBareJobsList(platform.config.DATABASE_URL, { session: sessionStatement!, list: listStatement })
    : undefined;
  const bareRuns: { rps: number; p99: number }[] = [];
  const fortunesDb = await createDatabase(infrastructure.databaseAdminUrl);
  const baseline: { rps: number; p99: number }[] = [];
  const ours = new Map<string, { rps: number; p99: number }[]>(measured.map((page) => [page.key, []]));
  for (let run = 0; run < runs; run++) {
    baseline.push(fortunes(fortunesDb, { seconds, connections }));
    if (bare) {
      await autocannon({ url: bare.url, connections, duration: 3 });
      const result = await autocannon({ url: bare.url, connections, duration: seconds });
      if (result.non2xx > 0 || result.errors > 0 || result.requests.total === 0) throw new Error(`bare jobs list: ${result.non2xx} non-2xx, ${result.errors} errors`);
      bareRuns.push({ rps: result.requests.average, p99: result.latency.p99 });
      console.log(`run ${run + 1}: bare jobs list ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms (fortunes ${baseline.at(-1)!.rps})`);
    }
    for (const page of measured) {
      const url = `${baseUrl}${page.path}`;
      const headers = { ...proxied, ...page.headers };
      await autocannon({ url, connections, duration: 3, headers });
      const before = await cpuTimes({ web: web.pid! });
      const result = await autocannon({ url, connections, duration: seconds, headers });
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result.requests.total === 0)
        throw new Error(`${page.name}: ${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
      ours.get(page.key)!.push({ rps: result.requests.average, p99: result.latency.p99 });
      const cpu = cpuShares(before, await cpuTimes({ web: web.pid! }));
      console.log(
        `run ${run + 1}: ${page.name} ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms (fortunes ${baseline.at(-1)!.rps}); CPU: web ${cpu.web}%, PostgreSQL ${cpu.postgres ?? 0}%`,
      );
    }
  }
  clearInterval(sampler);

  const fortunesRps = median(baseline.map((r) => r.rps));
  const figures: Figure[] = [
    { figure: 'fortunes req/s', value: fortunesRps, unit: 'req/s', ratio: 1 },
    { figure: 'fortunes p99', value: median(baseline.map((r) => r.p99)), unit: 'ms' },
  ];
  const bareRps = bare ? median(bareRuns.map((r) => r.rps)) : undefined;
  if (bareRps !== undefined) {
    figures.push({ figure: 'bare jobs list (its 2 statements, 50 rows) req/s', value: bareRps, unit: 'req/s', ratio: bareRps / fortunesRps });
  }
  for (const page of measured) {
    const rps = median(ours.get(page.key)!.map((r) => r.rps));
    const p99 = median(ours.get(page.key)!.map((r) => r.p99));
    const ratio = rps / fortunesRps;
    figures.push({ figure: `${page.name} req/s`, value: rps, unit: 'req/s', ratio, target: `>= ${page.minRatio}x fortunes`, met: ratio >= page.minRatio });
    figures.push({ figure: `${page.name} p99`, value: p99, unit: 'ms', target: `< ${page.maxP99} ms`, met: p99 < page.maxP99 });
    if (page.key === 'jobs' && bareRps !== undefined) {
      figures.push({ figure: `${page.name} req/s, beside the bare page`, value: rps, unit: 'req/s', ratio: rps / bareRps, baseline: 'bare jobs list' });
    }
  }
  figures.push({ figure: 'web peak RSS under load', value: peakRss, unit: 'MB', target: '< 200 MB', met: peakRss < 200 });
  report(`pages (${connections} connections, ${seconds} s, median of ${runs} runs)`, figures);
} finally {
  // Let the last run's requests in flight finish before the web process stops.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await stop();
  await bare?.stop();
  await platform.close();
  await infrastructure.stop();
}
