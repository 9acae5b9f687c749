import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { percentile } from './webProcess';

/** A benchmark's numeric options from its command line (`-- --runs 5`), each with its default. */
export function numberArgs<K extends string>(defaults: Record<K, number>): Record<K, number> {
  const names = Object.keys(defaults) as K[];
  const { values } = parseArgs({ options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])) });
  return Object.fromEntries(names.map((name) => [name, values[name] === undefined ? defaults[name] : Number(values[name])])) as Record<K, number>;
}

/** The median of `values`. */
export const median = (values: number[]) => percentile(values, 50);

/**
 * The bare Express + pg + Eta fortunes page (../shared/bench/fortunes/run.sh),
 * the ceiling on this machine, in this run: its requests per second and p99.
 * `databaseUrl` is a database of the benchmark's own PostgreSQL.
 */
export function fortunes(databaseUrl: string, options: { seconds: number; connections: number; warmup?: number }): { rps: number; p99: number } {
  const script = path.join(import.meta.dirname, '..', '..', 'shared', 'bench', 'fortunes', 'run.sh');
  const run = spawnSync('bash', [script], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DURATION: String(options.seconds),
      WARMUP: String(options.warmup ?? 3),
      CONNS: String(options.connections),
      PORT: '8089',
    },
    encoding: 'utf8',
  });
  const figures = /fortunes_rps=(\d+) fortunes_p99_ms=([\d.]+)/.exec(run.stdout);
  if (!figures) throw new Error(`fortunes run.sh gave no figures:\n${run.stdout}\n${run.stderr}`);
  return { rps: Number(figures[1]), p99: Number(figures[2]) };
}

/** One figure of a benchmark, as `npm run bench` prints it in its table. */
export interface Figure {
  /** what was measured, e.g. "portal home req/s" */
  figure: string;
  value: number;
  unit: string;
  /** the figure divided by its baseline's in the same run (the fortunes page, unless `baseline` names another) */
  ratio?: number;
  /** what `ratio` compares with; "fortunes" when absent */
  baseline?: string;
  /** the goal, as text, e.g. ">= 0.5x fortunes, p99 < 50 ms" */
  target?: string;
  /** whether the goal is met; absent when the figure has none */
  met?: boolean;
}

/**
 * Prints a benchmark's figures as a table and, when BENCH_REPORT names a
 * file (npm run bench sets it), appends them there as JSON lines for the
 * summary table.
 */
export function report(bench: string, figures: Figure[]): void {
  console.log(`\n${bench}`);
  console.log('| figure | value | ratio | target | met |');
  console.log('|---|---|---|---|---|');
  for (const f of figures) console.log(row(f));
  const file = process.env.BENCH_REPORT;
  if (file) appendFileSync(file, figures.map((f) => JSON.stringify({ bench, ...f })).join('\n') + '\n');
}

const number = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2));

export function row(f: Figure & { bench?: string }): string {
  const met = f.met === undefined ? '' : f.met ? 'yes' : 'NO';
  return `|${f.bench ? ` ${f.bench} |` : ''} ${f.figure} | ${number(f.value)} ${f.unit} | ${f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}× ${f.baseline ?? 'fortunes'}`} | ${f.target ?? ''} | ${met} |`;
}
