import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, ROOT } from '../config';
import { completeFiles, matchesPattern } from './complete';
import { companyFolder } from './settings';

describe('import sources: the watched folder and when a file is complete', () => {
  it('the default watched folder is .data/imports/<company id> under the project; a subfolder stays inside it', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://localhost/x' });
    expect(config.IMPORT_DIR).toBe(path.join(ROOT, '.data', 'imports'));
    expect(companyFolder(config.IMPORT_DIR, 7)).toBe(path.join(ROOT, '.data', 'imports', '7'));
    expect(companyFolder(config.IMPORT_DIR, 7, 'planner/in')).toBe(path.join(ROOT, '.data', 'imports', '7', 'planner', 'in'));
    expect(companyFolder(config.IMPORT_DIR, 7, '/absolute')).toBe(path.join(ROOT, '.data', 'imports', '7', 'absolute'));
    expect(() => companyFolder(config.IMPORT_DIR, 7, '../8')).toThrow(/outside/);
    expect(() => companyFolder(config.IMPORT_DIR, 7, 'a/../../8')).toThrow(/outside/);
  });

  it('a file is taken when its size stayed the same, or with its .done marker; uploads in progress never', () => {
    const at = 1_700_000_000_000;
    const first = [
      { name: 'a.csv', size: 10, modifiedAt: at },
      { name: 'b.csv', size: 10, modifiedAt: at },
      { name: 'c.csv.part', size: 10, modifiedAt: at },
      { name: 'd.tmp', size: 1, modifiedAt: at },
    ];
    const second = [
      { name: 'a.csv', size: 10, modifiedAt: at },
      { name: 'b.csv', size: 20, modifiedAt: at + 1000 },
      { name: 'c.csv.part', size: 10, modifiedAt: at },
      { name: 'd.tmp', size: 1, modifiedAt: at },
      { name: 'new.csv', size: 5, modifiedAt: at },
    ];
    expect(completeFiles(first, second, { pattern: '*.csv', doneMarker: false }).map((f) => f.name)).toEqual(['a.csv']);
    const marked = [...second, { name: 'b.csv.done', size: 0, modifiedAt: at }];
    expect(completeFiles(marked, marked, { pattern: '*.csv', doneMarker: true }).map((f) => f.name)).toEqual(['b.csv']);
    expect(matchesPattern('Planning_12.TXT', 'planning_??.txt')).toBe(true);
    expect(matchesPattern('planning.csv.bak', '*.csv')).toBe(false);
    expect(matchesPattern('x(1).csv', '*.csv')).toBe(true);
  });
});
