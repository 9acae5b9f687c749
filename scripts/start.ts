/**
 * `./dev start`: the whole platform on one machine, with demo data.
 * Embedded PostgreSQL (unless DATABASE_URL is set), the Temporal dev server
 * with its Web UI (unless TEMPORAL_ADDRESS is set), the MailDev catcher
 * (unless SMTP_URL is set), then one worker and one web server. Data stays
 * in .data/ between runs; Ctrl-C stops everything this started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT, loadConfig } from '../lib/config';
import { startPostgres } from '../lib/postgres';
import { assertPortFree, startMailCatcher, startTemporal, stopChild, type Service } from '../lib/stack';
import { createDb, migrate } from '../db/knex';
import { seedDemo, demoPassword, demoStaff } from '../db/seeds/demo';

const dataDir = path.resolve(ROOT, process.env.DATA_DIR ?? '.data');
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main() {
  const services: Service[] = [];
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await Promise.allSettled(children.map((child) => stopChild(child)));
    for (const service of services.reverse()) await service.stop().catch((error) => console.error(error));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
  const ports: [string, number, string][] = [['PORT', port('PORT', 3000), 'the web server']];
  if (!env.DATABASE_URL) ports.push(['POSTGRES_PORT', port('POSTGRES_PORT', 5433), 'PostgreSQL']);
  if (!env.TEMPORAL_ADDRESS) ports.push(['TEMPORAL_PORT', port('TEMPORAL_PORT', 7233), 'Temporal'], ['TEMPORAL_UI_PORT', port('TEMPORAL_UI_PORT', 8233), 'the Temporal Web UI']);
  if (!env.SMTP_URL) ports.push(['SMTP_PORT', port('SMTP_PORT', 1025), 'the mail catcher'], ['MAIL_UI_PORT', port('MAIL_UI_PORT', 1080), 'the mail page']);
  for (const [variable, number, what] of ports) await assertPortFree(number, what, variable);
  const urls: string[] = [];

  if (!env.DATABASE_URL) {
    console.log('Starting PostgreSQL (embedded)…');
    const postgres = await startPostgres({ dataDir: path.join(dataDir, 'postgres'), port: port('POSTGRES_PORT', 5433), persistent: true });
    services.push(postgres);
    env.DATABASE_URL = await postgres.database('workshop');
  }
  if (!env.TEMPORAL_ADDRESS) {
    console.log('Starting the Temporal dev server…');
    const temporal = await startTemporal({
      port: port('TEMPORAL_PORT', 7233),
      uiPort: port('TEMPORAL_UI_PORT', 8233),
      dbFile: path.join(dataDir, 'temporal', 'temporal.db'),
      log: (line) => console.log(`[temporal] ${line}`),
    });
    services.push(temporal);
    env.TEMPORAL_ADDRESS = temporal.address;
    urls.push(`Temporal Web UI      ${temporal.uiUrl}`);
  }
  if (!env.SMTP_URL) {
    const mail = await startMailCatcher({ smtpPort: port('SMTP_PORT', 1025), webPort: port('MAIL_UI_PORT', 1080) });
    services.push(mail);
    env.SMTP_URL = mail.smtpUrl;
    urls.push(`Mail catcher         ${mail.webUrl}`);
  }
  env.UPLOAD_DIR ??= path.join(dataDir, 'uploads');

  const config = loadConfig(env);
  const db = createDb(config.DATABASE_URL);
  await migrate(db);
  const demoJobs = await seedDemo(db);
  await db.destroy();

  const run = (name: string, script: string) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env, stdio: 'inherit' });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      // Ctrl-C reaches the whole process group: a child stopping cleanly is a stop request, not a crash.
      const clean = code === 0 || signal === 'SIGINT' || signal === 'SIGTERM';
      if (!clean) console.error(`${name} exited (code ${code}); stopping everything`);
      void stopAll(clean ? 0 : 1);
    });
    children.push(child);
  };
  run('worker', 'worker.ts');
  run('web', 'web/server.ts');

  console.log(`
Workshop platform is starting:
  Customer portal      ${config.PUBLIC_URL}/
  Staff back office    ${config.PUBLIC_URL}/staff  (${demoStaff.map((u) => u.email).join(', ')}; password ${demoPassword})
  Demo jobs            ${demoJobs.map((job) => `plate ${job.plate} + job ${job.jobNumber}`).join(', ')} (mail goes to the catcher)
  Demo check-in        the link for Eva Maes's appointment (1-CHK-001) is in the mail catcher; three online requests wait in the lead manager
  ${urls.join('\n  ')}
  PostgreSQL           ${config.DATABASE_URL.replace(/:[^:@/]+@/, ':***@')}
Data folder: ${dataDir}. Press Ctrl-C to stop.
`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
