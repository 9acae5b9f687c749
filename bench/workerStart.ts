/**
 * bench/workerStart: how long the worker takes from `node` to polling its task
 * queue (its "worker polling" log line), and its memory then, figures printed,
 * never asserted:
 *  - compiled: node dist/worker.js, loading the workflow bundle prepared by
 *    npm run build (dist/workflow-bundle.js)
 *  - source: node --import tsx worker.ts, bundling the workflows with webpack at start
 * Each is started `--runs` times in turn on one platform (its database and
 * Temporal namespace, a task queue of its own), as in production mode.
 *   npm run bench:worker [-- --runs 5]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import '../test/setup'; // quiet Temporal runtime logs
import { appRoot } from '../lib/appRoot';
import { startPlatformOn, type Platform } from '../test/support/harness';
import { startInfrastructure } from '../test/support/infrastructure';
import { ensureBuilt } from '../scripts/build';
import { median, numberArgs, report } from './report';
import { rssMb } from './webProcess';

const { runs } = numberArgs({ runs: 5 });

const commands = {
  compiled: ['dist/worker.js'],
  source: ['--import', 'tsx', 'worker.ts'],
} as const;

/** Starts one worker process; resolves with the time to its "worker polling" line and its RSS then, once it has stopped again. */
async function startOnce(platform: Platform, command: readonly string[]): Promise<{ ms: number; rss: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, command, {
    cwd: appRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      SESSION_SECRET: 'bench-worker-start-'.padEnd(40, 'x'),
      TRUST_PROXY: '127.0.0.1',
      DATABASE_URL: platform.config.DATABASE_URL,
      TEMPORAL_ADDRESS: platform.config.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: platform.config.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: `bench-worker-${randomUUID()}`,
      SMTP_URL: platform.config.SMTP_URL,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const ms = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('worker polling')) resolve(performance.now() - started);
      });
      child.once('exit', (code) => reject(new Error(`the worker stopped (exit ${code}) before polling:\n${output}`)));
    });
    return { ms, rss: await rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

await ensureBuilt();
const infrastructure = await startInfrastructure();
const platform = await startPlatformOn(infrastructure);
try {
  const times: Record<keyof typeof commands, number[]> = { compiled: [], source: [] };
  const memory: Record<keyof typeof commands, number[]> = { compiled: [], source: [] };
  for (let run = 0; run < runs; run++) {
    for (const kind of ['compiled', 'source'] as const) {
      const { ms, rss } = await startOnce(platform, commands[kind]);
      times[kind].push(ms);
      memory[kind].push(rss);
      console.log(`run ${run + 1} ${kind}: ${ms.toFixed(0)} ms to polling, RSS ${rss.toFixed(0)} MB`);
    }
  }
  report('worker start (median of ' + runs + ')', [
    { figure: 'node dist/worker.js to polling', value: median(times.compiled), unit: 'ms' },
    { figure: 'tsx worker.ts (webpack at start) to polling', value: median(times.source), unit: 'ms' },
    { figure: 'compiled / source start time', value: median(times.compiled) / median(times.source), unit: 'x' },
    { figure: 'node dist/worker.js RSS at polling', value: median(memory.compiled), unit: 'MB' },
    { figure: 'tsx worker.ts RSS at polling', value: median(memory.source), unit: 'MB' },
  ]);
} finally {
  await platform.close();
  await infrastructure.stop();
}
