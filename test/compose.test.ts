import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, realpath, rm, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebProcess, request } from '../bench/webProcess';
import { appRoot } from '../lib/appRoot';
import { build, stage, webNodeOptions } from '../scripts/build';
import { createLocation } from './support/fixtures';
import { createDatabase } from './support/harness';
import { startPlatform, type Platform } from './support/platform';

/**
 * docker-compose.yml and the Dockerfile agree: every command a service of our
 * image runs names a file the image holds. The image's application folder is
 * laid out here the way the Dockerfile's runtime stage copies it (its COPY
 * lines, the build stage's `npm run build -- --stage <dir>` from a fresh
 * build), then the compiled web process is started from that layout and
 * serves a page with its views and locales.
 */

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }> | string[];
  environment?: Record<string, string>;
}

interface Stage {
  from: string;
  name?: string;
  instructions: { keyword: string; args: string }[];
}

/** The Dockerfile's stages, each with its instructions (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  for (const line of lines) {
    const [, keyword, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword || args === undefined) throw new Error(`unreadable Dockerfile line: ${line}`);
    if (keyword.toUpperCase() === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ from: from!, name, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

const words = (value: string[] | string | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : value.split(/\s+/));
/** An instruction's exec form (JSON array) or its words. */
const execForm = (args: string): string[] => (args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/));

/** The files a `node` command line runs: its script argument, unless it runs code given with -e / --eval. */
function scriptsOf(command: string[]): string[] {
  expect(command[0], `a command of our image runs node: ${command.join(' ')}`).toBe('node');
  const args = command.slice(1);
  const scripts: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') return [];
    if (arg === '--import' || arg === '--require' || arg === '-r') {
      scripts.push(args[++i]!); // a loader is a package or a file the image must hold too
      continue;
    }
    if (arg.startsWith('-')) continue;
    scripts.push(arg);
    break;
  }
  return scripts;
}

/** The arguments of a stage's last `keyword` instruction (the one that counts). */
const last = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).at(-1)!.args;

/** Runs `node <args>` in `cwd` with `env` to its exit, or until `done(output)` and then stops it (SIGTERM: a clean stop exits 0). */
function runNode(cwd: string, args: string[], env: Record<string, string>, done: (output: string) => boolean = () => false) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stopping = false;
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (!stopping && done(output)) {
        stopping = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : null), output }));
  });
}

/**
 * What `npm ci --omit=dev` installs, from this checkout's node_modules: a link
 * to each top-level package of package-lock.json not marked dev (platform
 * packages of other systems are absent). Processes started with
 * --preserve-symlinks resolve every package through these links, so a
 * production package reaching a dev-only one fails here as in the image.
 */
async function productionNodeModules(target: string): Promise<void> {
  const lock = JSON.parse(await readFile(path.join(appRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!/^node_modules\/(@[^/]+\/)?[^/]+$/.test(key) || entry.dev || entry.devOptional) continue;
    const source = path.join(appRoot, key);
    if (!(await exists(source))) continue;
    const link = path.join(target, key.slice('node_modules/'.length));
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(await realpath(source), link, 'dir');
  }
}
/** node resolves packages through the links of productionNodeModules(). */
const onlyProductionPackages = ['--preserve-symlinks'];

const production = { NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(40), TRUST_PROXY: '127.0.0.1' };

const exists = (file: string) => stat(file).then(() => true, () => false);

describe('docker-compose.yml and the Dockerfile', () => {
  let compose: { services: Record<string, Service> };
  let stages: Stage[];
  let tmp: string;
  /** the image's WORKDIR, as staged here */
  let image: string;
  let workdir: string;
  let ours: [string, Service][];

  beforeAll(async () => {
    compose = parse(await readFile(path.join(appRoot, 'docker-compose.yml'), 'utf8'), { merge: true });
    stages = parseDockerfile(await readFile(path.join(appRoot, 'Dockerfile'), 'utf8'));
    ours = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

    // The runtime stage's layout, from its COPY lines.
    tmp = await mkdtemp(path.join(os.tmpdir(), 'image-'));
    image = path.join(tmp, 'image');
    const runtime = stages.at(-1)!;
    workdir = last(runtime, 'WORKDIR');
    const inImage = (dest: string) => path.join(image, path.posix.resolve(workdir, dest));
    for (const copy of runtime.instructions.filter((i) => i.keyword === 'COPY')) {
      const parts = copy.args.split(/\s+/);
      const from = parts.find((part) => part.startsWith('--from='))?.slice('--from='.length);
      const [dest, ...sources] = parts.filter((part) => !part.startsWith('--')).reverse();
      if (from) {
        // A folder the build stage staged with `npm run build -- --stage <dir>`: staged here from a fresh build.
        const builder = stages.find((s) => s.name === from);
        expect(builder, `stage ${from}`).toBeDefined();
        for (const source of sources) {
          const staging = builder!.instructions.find((i) => i.keyword === 'RUN' && new RegExp(`npm run build -- --stage ${source.replace(/\/$/, '')}(\\s|$)`).test(i.args));
          expect(staging, `the ${from} stage stages ${source} (npm run build -- --stage ${source})`).toBeDefined();
          const outdir = path.join(tmp, 'dist');
          await build({ outdir });
          await stage(path.join(tmp, 'staged'), outdir);
          await mkdir(inImage(dest!), { recursive: true });
          await cp(path.join(tmp, 'staged'), inImage(dest!), { recursive: true });
        }
      } else {
        for (const source of sources) {
          const target = dest!.endsWith('/') ? path.join(inImage(dest!), path.basename(source)) : inImage(dest!);
          await mkdir(path.dirname(target), { recursive: true });
          await cp(path.join(appRoot, source), target, { recursive: true });
        }
      }
    }
    // `npm ci --omit=dev` in the image: here the installed packages the lockfile does not mark as dev ones.
    expect(runtime.instructions.some((i) => i.keyword === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true);
    await productionNodeModules(inImage('node_modules'));
  }, 120_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('the runtime stage holds compiled JavaScript only, as a non-root user', () => {
    const runtime = stages.at(-1)!;
    expect(runtime.from).toMatch(/^node:20-bookworm-slim$/);
    expect(runtime.instructions.find((i) => i.keyword === 'USER')?.args).toBe('node');
    expect(runtime.instructions.some((i) => i.keyword === 'COPY' && /^\.\s/.test(i.args)), 'no COPY of the whole context').toBe(false);
  });

  it('the web, worker and migrate services run compiled files that the image holds', async () => {
    expect(ours.map(([name]) => name).sort()).toEqual(['migrate', 'web', 'worker']);
    const cmd = execForm(last(stages.at(-1)!, 'CMD'));
    const checked: string[] = [];
    for (const [name, service] of [['(image CMD)', { command: cmd }] as [string, Service], ...ours]) {
      const commands = [words(service.command ?? cmd)];
      const test = words(service.healthcheck?.test);
      if (test[0] === 'CMD') commands.push(test.slice(1));
      else if (test.length) throw new Error(`${name}: a healthcheck of our image runs without a shell (CMD form): ${test.join(' ')}`);
      expect(service.entrypoint, `${name} keeps the image's entrypoint`).toBeUndefined();
      for (const command of commands) {
        for (const script of scriptsOf(command)) {
          if (!script.startsWith('.') && !script.includes('/')) continue; // a package
          const file = path.join(image, path.posix.resolve(workdir, script));
          expect(await exists(file), `${name}: ${command.join(' ')} runs ${script}, which the image holds`).toBe(true);
          expect(script, `${name} runs compiled JavaScript`).toMatch(/\.js$/);
          checked.push(script);
        }
      }
    }
    expect([...new Set(checked)].sort()).toEqual(['dist/migrate.js', 'dist/server.js', 'dist/worker.js']);
    expect(await exists(path.join(image, workdir, 'dist', 'workflow-bundle.js')), 'the compiled worker loads dist/workflow-bundle.js').toBe(true);
  });

  it('the web process starts with the same node options in the image, the compose file and npm run start:web', async () => {
    const web = ['node', ...webNodeOptions, 'dist/server.js'];
    expect(execForm(last(stages.at(-1)!, 'CMD'))).toEqual(web);
    expect(words(compose.services.web!.command)).toEqual(web);
    const { scripts } = JSON.parse(await readFile(path.join(appRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(words(scripts['start:web'])).toEqual(web);
  });

  it('the web and worker replicas wait for the migration and the Temporal namespace', () => {
    for (const name of ['web', 'worker']) {
      expect(compose.services[name]!.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
        temporal: { condition: 'service_healthy' },
        'temporal-namespace': { condition: 'service_completed_successfully' },
      });
    }
    expect(compose.services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it("Temporal runs on current images: the server, its admin tools for the schema and the namespace, the UI; no auto-setup", () => {
    const images = Object.values(compose.services).map((service) => service.image ?? '');
    expect(images.filter((image) => /auto-setup/.test(image))).toEqual([]);
    const temporal = images.filter((image) => image.startsWith('temporalio/')).map((image) => image.split(':')[0]);
    expect([...new Set(temporal)].sort()).toEqual(['temporalio/admin-tools', 'temporalio/server', 'temporalio/ui']);
    for (const image of images.filter((image) => image.startsWith('temporalio/'))) expect(image, 'a pinned tag').toMatch(/:\d+\.\d+\.\d+$/);

    const { temporal: server, 'temporal-schema': schema, 'temporal-namespace': namespace } = compose.services;
    expect(server!.image).toMatch(/^temporalio\/server:/);
    expect(server!.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(server!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    expect(schema!.image).toMatch(/^temporalio\/admin-tools:/);
    const script = words(schema!.command).join(' ');
    for (const step of ['create', 'setup-schema -v 0.0', 'update-schema -d /etc/temporal/schema/postgresql/v12/']) expect(script).toContain(`temporal-sql-tool --db $$db ${step}`);
    expect(script).toMatch(/for db in temporal temporal_visibility;/);
    expect(namespace!.image).toMatch(/^temporalio\/admin-tools:/);
    expect(namespace!.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    expect(words(namespace!.command).join(' ')).toContain('temporal operator namespace create');
  });

  it('node dist/migrate.js, run in the image layout, brings a fresh database up to date', async () => {
    const databaseUrl = await createDatabase(inject('databaseAdminUrl'));
    const { code, output } = await runNode(path.join(image, workdir), [...onlyProductionPackages, 'dist/migrate.js'], { ...production, DATABASE_URL: databaseUrl });
    expect(code, output).toBe(0);
    expect(output).toContain('database schema up to date');
  });

  describe('the compiled processes, started from the image layout', () => {
    let platform: Platform;
    let web: Awaited<ReturnType<typeof startWebProcess>> | undefined;

    beforeAll(async () => {
      platform = await startPlatform();
    });
    afterAll(async () => {
      await web?.stop();
      await platform?.close();
    });

    it('serves /healthz and a portal page with its views, locales and static files', async () => {
      const { location } = await createLocation(platform.db);
      web = await startWebProcess(
        platform,
        { ...production, LOG_LEVEL: 'info' },
        onlyProductionPackages,
        { run: 'compiled', cwd: path.join(image, workdir) },
      );
      expect((await request(`${web.baseUrl}/healthz`)).status).toBe(200);
      const page = await request(`${web.baseUrl}/p/${location.slug}`, {
        headers: { 'accept-language': 'nl', cookie: 'workshop.sid=s%3Asecret-session-cookie', authorization: 'Bearer wsk_secret-api-key', 'user-agent': 'compose-test' },
      });
      expect(page.status).toBe(200);
      // The access log, as production writes it (asynchronously, at info): the request, never its cookies or keys.
      const logged = async () => {
        const lines = (await readFile(web!.logFile, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
        return { text: lines.map((line) => JSON.stringify(line)).join('\n'), line: lines.find((line) => line.req?.url === `/p/${location.slug}`) };
      };
      await expect.poll(async () => (await logged()).line, { timeout: 5000 }).toBeDefined();
      const { text, line } = await logged();
      expect(line).toMatchObject({ level: 30, name: 'web', msg: 'request completed', req: { method: 'GET', userAgent: 'compose-test' }, res: { statusCode: 200 } });
      expect(typeof line!.responseTime).toBe('number');
      expect(text).not.toContain('secret');
      expect(page.body).toContain('<html lang="nl"');
      expect(page.body).toContain(location.name);
      expect((await request(`${web.baseUrl}/static/htmx.min.js`)).status).toBe(200);
      expect((await request(`${web.baseUrl}/static/app.css`)).status).toBe(200);
    });

    it('node dist/worker.js polls its task queue on the prebuilt workflow bundle', async () => {
      const { code, output } = await runNode(
        path.join(image, workdir),
        [...onlyProductionPackages, 'dist/worker.js'],
        {
          ...production,
          LOG_LEVEL: 'info',
          DATABASE_URL: platform.config.DATABASE_URL,
          TEMPORAL_ADDRESS: platform.config.TEMPORAL_ADDRESS,
          TEMPORAL_NAMESPACE: platform.config.TEMPORAL_NAMESPACE,
          TEMPORAL_TASK_QUEUE: `compose-${randomUUID()}`,
          SMTP_URL: platform.config.SMTP_URL,
        },
        (text) => text.includes('worker polling'),
      );
      expect(output).toContain('worker polling');
      expect(code, output).toBe(0);
      expect(output, 'no webpack bundling at start').not.toMatch(/webpack/i);
    });
  });
});
