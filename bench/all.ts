/**
 * npm run bench: every benchmark, one after the other (each starts its own
 * PostgreSQL, Temporal server and mail catcher, so they do not disturb each
 * other), then one table of every figure with its ratio and target. Figures
 * are printed, never asserted; the machine is noisy, so each bench reports
 * the median of its runs beside the fortunes page measured in the same run.
 *   npm run bench [-- --only pages,booking]
 * Each bench also runs alone: npm run bench:<name> (see package.json).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { row, type Figure } from './report';

/** The benches in the order they run, with the arguments of the summary run. */
const benches: { name: string; script: string; args: string[] }[] = [
  { name: 'pages', script: 'pages.ts', args: [] },
  { name: 'booking', script: 'booking.ts', args: [] },
  { name: 'status', script: 'status.ts', args: [] },
  { name: 'board', script: 'board.ts', args: [] },
  { name: 'send', script: 'sendHtml.ts', args: [] },
  { name: 'worker', script: 'workerStart.ts', args: [] },
  { name: 'dealer', script: 'dealerGroup.ts', args: [] },
  // 1,000,000 rows take minutes: npm run bench:dms runs them.
  { name: 'dms', script: 'dms.ts', args: ['--sizes', '100000', '--runs', '3'] },
];

const { values } = parseArgs({ options: { only: { type: 'string' } } });
const only = values.only?.split(',');
const folder = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
const file = path.join(folder, 'figures.jsonl');
const failed: string[] = [];
const started = Date.now();
try {
  for (const bench of benches.filter((b) => !only || only.includes(b.name))) {
    console.log(`\n==> bench/${bench.script} ${bench.args.join(' ')}`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, bench.script), ...bench.args], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_REPORT: file },
    });
    if (run.status !== 0) failed.push(bench.name);
  }
  const figures = readLines(file);
  console.log(`\nAll benchmarks on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${Math.round((Date.now() - started) / 60000)} min`);
  console.log('| bench | figure | value | ratio | target | met |');
  console.log('|---|---|---|---|---|---|');
  for (const figure of figures) console.log(row(figure));
  const missed = figures.filter((f) => f.met === false).length;
  console.log(`\n${figures.filter((f) => f.met !== undefined).length - missed} targets met, ${missed} not met${failed.length ? `; benches that failed: ${failed.join(', ')}` : ''}`);
  process.exitCode = failed.length ? 1 : 0;
} finally {
  rmSync(folder, { recursive: true, force: true });
}

function readLines(name: string): (Figure & { bench: string })[] {
  try {
    return readFileSync(name, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Figure & { bench: string });
  } catch {
    return [];
  }
}
