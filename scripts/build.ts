/**
 * `npm run build`: the production build.
 *
 * - dist/server.js, dist/worker.js, dist/migrate.js: web/server.ts, worker.ts
 *   and db/migrate.ts bundled by esbuild (ESM for Node 20, every npm package
 *   left external and loaded from node_modules, with source maps). esbuild
 *   rather than tsc: the sources import without extensions (moduleResolution
 *   Bundler), which Node's own ESM loader would not resolve from tsc's output.
 * - dist/meta.json: esbuild's metafile, which test/build.test.ts reads to check
 *   that the bundles import only packages of `dependencies`.
 * - dist/workflow-bundle.js: the workflow code bundled once by the Temporal SDK
 *   (bundleWorkflowCode), which the compiled worker loads instead of running
 *   webpack at every start.
 *
 * The bundles read their views, locales, mail templates and static files from
 * their source places under the project root (lib/appRoot.ts); `--stage <dir>`
 * also copies dist/ and those files (runtimeAssets) into <dir>, laid out as in
 * the image (Dockerfile).
 */
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { build as esbuild, type Metafile } from 'esbuild';
import { appRoot } from '../lib/appRoot';
import { workflowsPath } from '../worker';

/** The processes of the image: dist/<name>.js from its source. */
export const entryPoints = { server: 'web/server.ts', worker: 'worker.ts', migrate: 'db/migrate.ts' } as const;

/** Files the bundles read at run time, relative to the project root (directories whole, `*.eta` under web/). */
export const runtimeAssets = {
  directories: ['web/public', 'lib/locales', 'activities/mail/templates'],
  files: ['web/api/openapi.json'],
  /** every Eta view (web/views, web/<feature>/views) */
  viewsUnder: 'web',
};

export const defaultOutdir = path.join(appRoot, 'dist');

/** The Temporal bundler's logger, warnings and errors only (also the tests' bundle, test/support/infrastructure.ts). */
export const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export interface BuildResult {
  outdir: string;
  metafile: Metafile;
}

/** Bundles the three entry points (and, unless `workflowBundle: false`, the workflows) into `outdir`. */
export async function build({ outdir = defaultOutdir, workflowBundle = true }: { outdir?: string; workflowBundle?: boolean } = {}): Promise<BuildResult> {
  await mkdir(outdir, { recursive: true });
  const bundles = esbuild({
    absWorkingDir: appRoot,
    entryPoints,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  const workflows = workflowBundle ? bundleWorkflowCode({ workflowsPath, logger: quietLogger }) : undefined;
  const { metafile } = await bundles;
  await writeFile(path.join(outdir, 'meta.json'), JSON.stringify(metafile));
  if (workflows) await writeFile(path.join(outdir, 'workflow-bundle.js'), (await workflows).code);
  return { outdir, metafile };
}

async function etaViews(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(appRoot, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await etaViews(relative)));
    else if (entry.name.endsWith('.eta')) found.push(relative);
  }
  return found;
}

/** Every runtime file, relative to the project root. */
export async function runtimeFiles(): Promise<string[]> {
  return [...runtimeAssets.directories, ...runtimeAssets.files, ...(await etaViews(runtimeAssets.viewsUnder))];
}

/**
 * The image's application folder without node_modules: `built` (a build's
 * outdir) as dist/ and the runtime files in their places, copied into `target`.
 */
export async function stage(target: string, built: string = defaultOutdir): Promise<void> {
  const inside = path.relative(target, appRoot);
  if (!inside || !inside.startsWith('..')) throw new Error(`refusing to stage into ${target}: it holds the project (${appRoot})`);
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  await cp(built, path.join(target, 'dist'), { recursive: true });
  for (const file of await runtimeFiles()) {
    await mkdir(path.dirname(path.join(target, file)), { recursive: true });
    await cp(path.join(appRoot, file), path.join(target, file), { recursive: true });
  }
}

/** Source folders the three bundles are built from. */
const sourceDirs = ['web', 'lib', 'db', 'activities', 'clients', 'workflows'];

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(path.join(appRoot, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(relative));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, (await stat(path.join(appRoot, relative))).mtimeMs);
  }
  return newest;
}

/**
 * The web process's node options in production: the image's CMD, the web
 * service of docker-compose.yml and `npm run start:web` spell them out
 * (test/compose.test.ts checks they agree) and bench/webProcess.ts runs
 * with them. Under load every request's objects outlive two young-generation
 * collections and reach the old generation, even in a bare Express app; V8
 * then let the old generation grow to about 4x what its last full
 * collection kept (40 MB kept, 167 MB reached) before collecting again. At
 * 50 % the web process peaked at 161 MB instead of 257 MB with the same
 * throughput (README, Performance). A factor, not a cap: a process holding
 * thousands of open status pages grows with them.
 */
export const webNodeOptions = ['--heap-growing-percent=50'];

/** Builds dist/ when a bundle is missing or older than a source file (benchmarks measure the production build). */
export async function ensureBuilt(): Promise<void> {
  const outputs = [...Object.keys(entryPoints).map((name) => `${name}.js`), 'workflow-bundle.js'];
  const built = await Promise.all(outputs.map((file) => stat(path.join(defaultOutdir, file)).then((s) => s.mtimeMs, () => 0)));
  const sources = Math.max((await stat(path.join(appRoot, 'worker.ts'))).mtimeMs, ...(await Promise.all(sourceDirs.map(newestSource))));
  if (Math.min(...built) > sources) return;
  console.log('building dist/ (npm run build)…');
  await build();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const stageAt = process.argv.indexOf('--stage');
  build()
    .then(async ({ outdir, metafile }) => {
      for (const [file, output] of Object.entries(metafile.outputs)) {
        if (file.endsWith('.js')) console.log(`${path.relative(appRoot, path.resolve(appRoot, file))}  ${(output.bytes / 1024).toFixed(0)} kB`);
      }
      console.log(`dist/workflow-bundle.js  ${((await stat(path.join(outdir, 'workflow-bundle.js'))).size / 1024).toFixed(0)} kB`);
      if (stageAt > 0) {
        const target = path.resolve(process.argv[stageAt + 1] ?? '');
        await stage(target, outdir);
        console.log(`staged dist/ and the runtime files in ${target}`);
      }
      console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
