/**
 * bench/board: figures for this machine, printed, never asserted (W3).
 *  - requests per second and p99 of the aftersales board page with 200 cards,
 *    beside the bare Express + pg + Eta fortunes page (../shared/bench/fortunes/run.sh)
 *    measured in the same run with the same load generator (autocannon, 50
 *    connections), and the ratio; median of --runs runs each
 *  - the time a move takes to reach 50 and 500 open boards (p50, p95 over --moves
 *    moves: from the POST until every board's event stream has the card)
 *  - the web process's memory per open board
 * The web process is the production entry point (web/server.ts) in its own
 * process, so its memory is its own; PostgreSQL, Temporal and the mail
 * catcher are started like the tests do, and the fortunes page uses a
 * database of the same PostgreSQL.
 *   npm run bench:board [-- --seconds 10 --runs 3 --moves 20]
 */
import http from 'node:http';
import autocannon from 'autocannon';
import '../test/setup'; // quiet Temporal runtime logs
import { boardCards } from '../db/board';
import { phoneColumns } from '../db/customers';
import { normalizePlate } from '../lib/plates';
import { createLocation, createStaff } from '../test/support/fixtures';
import { createDatabase, startPlatformOn } from '../test/support/harness';
import { startInfrastructure } from '../test/support/infrastructure';
import { fortunes, median, numberArgs, report } from './report';
import { cookieHeader, percentile, proxied, proxiedRequest as request, rssMb, staffLogin, startWebProcess } from './webProcess';

const { seconds, runs, moves, cards, connections } = numberArgs({ seconds: 10, runs: 3, moves: 20, cards: 200, connections: 50 });



const infrastructure = await startInfrastructure();
const platform = await startPlatformOn(infrastructure);
// BENCH_CPU_PROFILE=<folder>: the web process writes a CPU profile there when it stops (node --cpu-prof).
const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
// Production, as it runs behind its TLS proxy (templates cached, secure cookies): every request says https.
const { baseUrl, web, stop } = await startWebProcess(
  platform,
  { NODE_ENV: 'production', SESSION_SECRET: 'bench-only-session-secret-0123456789abcdef', TRUST_PROXY: 'loopback' },
  profile,
);
const streams: http.ClientRequest[] = [];
try {
  const { db } = platform;
  const { companyId, location } = await createLocation(db, { name: 'Bench Garage' });
  const staff = await createStaff(db, companyId, 'service_advisor');

  // 200 of today's visits, each with its customer and vehicle, as a planner import leaves them.
  const today = new Date();
  today.setUTCHours(7, 0, 0, 0);
  const customers = await db('customers')
    .insert(Array.from({ length: cards }, (_, i) => ({ company_id: companyId, first_name: `Klant${i}`, last_name: 'Bench', email: `bench${i}@example.test`, ...phoneColumns(`+3247000${String(i).padStart(4, '0')}`) })))
    .returning('id');
  const vehicles = await db('vehicles')
    .insert(customers.map(({ id }, i) => ({ company_id: companyId, customer_id: id, plate: `B-${i}`, plate_normalized: normalizePlate(`B-${i}`), make: 'Volkswagen', model: 'Golf' })))
    .returning('id');
  const appointments = await db('appointments')
    .insert(
      customers.map(({ id }, i) => ({
        company_id: companyId,
        location_id: location.id,
        kind: 'service',
        starts_at: new Date(today.getTime() + (i % 40) * 15 * 60_000),
        ends_at: new Date(today.getTime() + (i % 40) * 15 * 60_000 + 3_600_000),
        customer_id: id,
        vehicle_id: vehicles[i]!.id,
        first_name: `Klant${i}`,
        last_name: 'Bench',
        email: `bench${i}@example.test`,
        phone: `+3247000${String(i).padStart(4, '0')}`,
        work_description: 'Oil service, brake check',
        color: i % 7 === 0 ? 'blue' : null,
      })),
    )
    .returning('id');

  // Log in as the service advisor.
  const jar = await staffLogin(baseUrl, staff.email, staff.password);
  const cookie = cookieHeader(jar);
  const boardPage = await request(`${baseUrl}/staff/board`, { headers: { cookie } });
  const shown = (boardPage.body.match(/<li class="card/g) ?? []).length;
  if (boardPage.status !== 200 || shown !== cards) throw new Error(`board answered ${boardPage.status} with ${shown} cards`);
  const token = /name="_csrf" value="([^"]+)"/.exec(boardPage.body)![1]!;
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: location.time_zone }).format(new Date());
  const queryMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await boardCards(db, companyId, { locationIds: [location.id], day, zone: location.time_zone });
    queryMs.push(performance.now() - t0);
  }
  const pageKb = Buffer.byteLength(boardPage.body) / 1024;

  // 1. The board page beside the fortunes page, alternating, median of the runs.
  const fortunesDb = await createDatabase(infrastructure.databaseAdminUrl);
  const ours: { rps: number; p99: number }[] = [];
  const baseline: { rps: number; p99: number }[] = [];
  for (let run = 0; run < runs; run++) {
    baseline.push(fortunes(fortunesDb, { seconds, connections }));
    await autocannon({ url: `${baseUrl}/staff/board`, connections, duration: 3, headers: { cookie, ...proxied } });
    const result = await autocannon({ url: `${baseUrl}/staff/board`, connections, duration: seconds, headers: { cookie, ...proxied } });
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result.requests.total === 0)
      throw new Error(`board page: ${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    ours.push({ rps: result.requests.average, p99: result.latency.p99 });
  }
  const boardRps = median(ours.map((r) => r.rps));
  const fortunesRps = median(baseline.map((r) => r.rps));

  // 2. Open boards, then moves: how long until every one of them has the moved card.
  const fanOut: Record<number, number[]> = {};
  const memory: Record<number, number> = {};
  const card = appointments[0]!.id as number;
  let column = 'new';
  const move = async (to: string) => {
    const answer = await request(`${baseUrl}/staff/board/cards/${card}/move`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' },
      body: new URLSearchParams({ _csrf: token, column: to, from: column }).toString(),
    });
    if (answer.status !== 200) throw new Error(`move to ${to} answered ${answer.status}`);
    column = to;
  };
  await move('in_service'); // the card gets its job: later moves are one D4 step each
  for (const count of [50, 500]) {
    const before = await rssMb(web.pid!);
    // The move being measured: which card HTML every stream must receive, and the streams that have it.
    let current: { marker: string; reached: Set<number>; resolve: () => void } | undefined;
    const open: Promise<void>[] = [];
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    for (let i = 0; i < count; i++) {
      open.push(
        new Promise<void>((resolve) => {
          const req = http.get(`${baseUrl}/staff/board/events`, { headers: { cookie, accept: 'text/event-stream', ...proxied }, agent }, (res) => {
            res.setEncoding('utf8');
            let tail = '';
            res.on('data', (chunk: string) => {
              const text = tail + chunk;
              tail = text.slice(-300); // a marker split across two chunks is still found
              if (text.includes(': connected')) resolve();
              if (current && !current.reached.has(i) && text.includes(current.marker)) {
                current.reached.add(i);
                if (current.reached.size === count) current.resolve();
              }
            });
          });
          req.on('error', () => undefined);
          streams.push(req);
        }),
      );
      if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(open);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    memory[count] = (((await rssMb(web.pid!)) - before) * 1024) / count;
    fanOut[count] = [];
    for (let m = 0; m < moves; m++) {
      const to = column === 'in_service' ? 'waiting_customer' : 'in_service';
      const done = new Promise<void>((resolve) => {
        current = { marker: `id="card-${card}" data-id="${card}" data-column="${to}"`, reached: new Set(), resolve };
      });
      const t0 = performance.now();
      await move(to);
      await done;
      fanOut[count].push(performance.now() - t0);
      current = undefined;
    }
    for (const req of streams.splice(0)) req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const boardP99 = median(ours.map((r) => r.p99));
  console.log(`board page: ${cards} cards (${pageKb.toFixed(0)} kB), ${connections} connections, ${seconds} s, median of ${runs} runs`);
  console.log(`  board runs ${ours.map((r) => r.rps.toFixed(0)).join(', ')} req/s; fortunes runs ${baseline.map((r) => r.rps).join(', ')} req/s`);
  report('board (W3)', [
    { figure: `board page, ${cards} cards`, value: boardRps, unit: 'req/s', ratio: boardRps / fortunesRps, target: '>= 0.4x fortunes', met: boardRps / fortunesRps >= 0.4 },
    { figure: 'board page p99', value: boardP99, unit: 'ms' },
    { figure: 'fortunes page', value: fortunesRps, unit: 'req/s', ratio: 1 },
    { figure: 'card query alone p50', value: percentile(queryMs, 50), unit: 'ms' },
    ...[50, 500].map((count) => {
      const p95 = percentile(fanOut[count]!, 95);
      return { figure: `a move reaching ${count} open boards p95 (${moves} moves)`, value: p95, unit: 'ms', ...(count === 50 ? { target: '< 200 ms', met: p95 < 200 } : {}) };
    }),
    // 50 streams move the RSS less than the garbage collector does: the figure of 500 is the one that says something.
    { figure: 'memory per open board (RSS growth with 500 open / 500)', value: memory[500]!, unit: 'kB' },
  ]);
} finally {
  for (const req of streams) req.destroy();
  await stop();
  await platform.close();
  await infrastructure.stop();
}
