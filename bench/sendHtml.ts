/**
 * bench/sendHtml: the web process's CPU a page for writing a rendered page
 * (web/render.ts sendHtml) against Express's res.send, at page sizes from a
 * portal page (3 kB) to a board of 200 cards (300 kB, where both are
 * res.send: the noise between two runs of one path). Printed, never
 * asserted. A bare Express server in a process of its own answers both ways,
 * alternating, under autocannon; its own CPU time (process.cpuUsage) ÷
 * requests, median of --runs rounds.
 *   npm run bench:send [-- --runs 6 --seconds 3 --connections 20]
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { median, numberArgs, report } from './report';

// 300 kB is over sendHtml's limit, so both ways are res.send there: that row shows the noise of the machine.
const sizes = { '3 kB': 3_000, '15 kB': 15_000, '40 kB': 40_000, '90 kB': 90_000, '300 kB': 300_000 };

if (process.argv[2] === 'serve') {
  const { default: express } = await import('express');
  const { sendHtml } = await import('../web/render');
  const app = express();
  app.set('etag', false); // as web/app.ts: rendered pages carry no ETag
  // A page of the size asked for, different on every request (as a rendered page is a new string each time).
  const page = (size: number) => `<p>${'x'.repeat(size)}</p>${Math.random()}`;
  app.get('/send/:size', (req, res) => void res.type('html').send(page(Number(req.params.size))));
  app.get('/sendHtml/:size', (req, res) => sendHtml(req, res, page(Number(req.params.size))));
  app.get('/cpu', (_req, res) => {
    const { user, system } = process.cpuUsage();
    res.json({ us: user + system });
  });
  const server = app.listen(0, '127.0.0.1', () => console.log((server.address() as { port: number }).port));
} else {
  const { runs, seconds, connections } = numberArgs({ runs: 6, seconds: 3, connections: 20 });
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, 'serve'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  try {
    const port = await new Promise<number>((resolve) => child.stdout!.once('data', (data) => resolve(Number(String(data).trim()))));
    const cpu = async () => ((await (await fetch(`http://127.0.0.1:${port}/cpu`)).json()) as { us: number }).us;
    const perRequest: Record<string, number[]> = {};
    for (const [label, size] of Object.entries(sizes)) {
      for (let round = 0; round < runs; round++) {
        // Each way first in every other round: the second of a pair met the first's garbage.
        for (const way of round % 2 === 0 ? ['send', 'sendHtml'] : ['sendHtml', 'send']) {
          const before = await cpu();
          const result = await autocannon({ url: `http://127.0.0.1:${port}/${way}/${size}`, connections, duration: seconds });
          if (result.non2xx > 0 || result.errors > 0) throw new Error(`${way} ${label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
          const after = await cpu();
          (perRequest[`${label} ${way}`] ??= []).push((after - before) / result.requests.total);
        }
      }
    }
    report(
      'bench/sendHtml',
      Object.keys(sizes).flatMap((label) => {
        const send = median(perRequest[`${label} send`]!);
        const ours = median(perRequest[`${label} sendHtml`]!);
        return [
          { figure: `${label} page, res.send: CPU a request`, value: send, unit: 'µs' },
          { figure: `${label} page, sendHtml: CPU a request`, value: ours, unit: 'µs', ratio: ours / send, baseline: 'res.send' },
        ];
      }),
    );
  } finally {
    child.kill();
  }
}
