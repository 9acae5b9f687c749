import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';

const folder = path.join(import.meta.dirname, 'histories');

/**
 * Saved histories (scripts/record-histories.ts) replayed against today's
 * workflow code: a change that would break running executions fails here,
 * and needs patched().
 */
describe('replaying saved workflow histories', () => {
  it('replays every saved history without nondeterminism', async () => {
    const files = (await readdir(folder)).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    const histories = await Promise.all(
      files.map(async (file) => ({ workflowId: file, history: JSON.parse(await readFile(path.join(folder, file), 'utf8')) })),
    );
    const results = Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, histories);
    const outcomes: Record<string, string> = {};
    for await (const result of results) outcomes[result.workflowId] = result.error ? String(result.error) : 'ok';
    expect(outcomes).toEqual(Object.fromEntries(files.map((file) => [file, 'ok'])));
  });
});
