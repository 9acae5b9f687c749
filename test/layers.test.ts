import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../lib/config';

/**
 * The layer rule (issue 11): web/ -> clients/ -> workflows/*.contract.ts ->
 * activities/ -> db/ -> lib/, checked with dependency-cruiser over the
 * whole tree with the rules of .dependency-cruiser.cjs (which say why each exists).
 */
const sources = ['activities', 'clients', 'db', 'lib', 'web', 'workflows', 'scripts', 'test', 'bench', 'worker.ts'];

/** Cruises `files` of the tree at `baseDir` with the project's rules; `tsConfig` resolves as tsc does (absent for a tree without one). */
async function violations(baseDir: string, files: string[], tsConfig?: string): Promise<IViolation[]> {
  const { tsConfig: _projectTsConfig, ...rules } = await extractDepcruiseOptions(path.join(ROOT, '.dependency-cruiser.cjs'));
  const options: ICruiseOptions = { ...rules, baseDir, validate: true, ...(tsConfig ? { tsConfig: { fileName: tsConfig } } : {}) };
  const { output } = tsConfig
    ? await cruise(files, options, undefined, { tsConfig: extractTSConfig(tsConfig) })
    : await cruise(files, options, { extensions: ['.ts', '.js'] });
  return (output as ICruiseResult).summary.violations;
}

const describeViolation = (violation: IViolation) =>
  `${violation.rule.name}: ${violation.from} -> ${violation.to}` +
  (violation.cycle ? ` (cycle: ${violation.cycle.map((step) => step.name).join(' -> ')})` : '') +
  (violation.via ? ` (via ${violation.via.map((step) => step.name).join(' -> ')})` : '');

describe('layers (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('no import in the tree points upward', async () => {
    const found = await violations(ROOT, sources, path.join(ROOT, 'tsconfig.json'));
    expect(found.map(describeViolation)).toEqual([]);
  });

  describe('reports what it must (a small tree with one wrong import per rule)', () => {
    let tree: string;
    const file = async (name: string, text: string) => {
      await mkdir(path.dirname(path.join(tree, name)), { recursive: true });
      await writeFile(path.join(tree, name), text);
    };

    beforeAll(async () => {
      tree = await mkdtemp(path.join(os.tmpdir(), 'layers-'));
      await file('lib/time.ts', `export const now = () => new Date();\n`);
      await file('web/page.ts', `import { now } from '../lib/time';\nexport const page = () => String(now());\n`);
      await file('workflows/lead.contract.ts', `export type LeadStatus = 'new';\nexport const leadWorkflowId = (id: number) => 'lead-' + id;\n`);
      await file('workflows/lead.ts', `import { leadWorkflowId } from './lead.contract';\nexport async function leadWorkflow() { return leadWorkflowId(1); }\n`);
      // the wrong ones
      await file('db/leads.ts', `import { page } from '../web/page';\nexport const leads = () => page();\n`);
      await file('lib/permissions.ts', `import { leadWorkflowId } from '../workflows/lead.contract';\nexport const id = leadWorkflowId;\n`);
      await file('lib/typesOnly.ts', `import type { LeadStatus } from '../workflows/lead.contract';\nexport const status: LeadStatus = 'new';\n`);
      await file('activities/leads.ts', `import { leadWorkflow } from '../workflows/lead';\nexport const run = leadWorkflow;\n`);
      await file('workflows/clock.ts', `import { now } from '../lib/time';\nexport const clock = now;\n`);
      await file('lib/a.ts', `import { b } from './b';\nexport const a = () => b;\n`);
      await file('lib/b.ts', `import { a } from './a';\nexport const b = () => a;\n`);
      await file('worker.ts', `import { leads } from './db/leads';\nexport const start = leads;\n`);
    });
    afterAll(async () => {
      await rm(tree, { recursive: true, force: true });
    });

    it('names each upward import, and leaves type-only contract imports and downward ones alone', async () => {
      const found = (await violations(tree, ['.'])).map(describeViolation);
      expect(found).toEqual(
        expect.arrayContaining([
          'db-not-upward: db/leads.ts -> web/page.ts',
          'db-lib-contracts-type-only: lib/permissions.ts -> workflows/lead.contract.ts',
          'workflow-code-only-through-contracts: activities/leads.ts -> workflows/lead.ts',
          'workflows-deterministic: workflows/clock.ts -> lib/time.ts',
          expect.stringMatching(/^no-circular-db-lib: lib\/a\.ts -> lib\/b\.ts/),
          expect.stringMatching(/^worker-reaches-no-web: worker\.ts -> web\/page\.ts/),
        ]),
      );
      // and nothing else: not the type-only contract import (lib/typesOnly.ts), not the downward ones
      expect(found).toHaveLength(6);
    });
  });
});
