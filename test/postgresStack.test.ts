import { randomUUID } from 'node:crypto';
import { cp, lstat, mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresBinaries, relocatedClusterPath, startPostgres, type RunningPostgres } from '../lib/postgres';
import { freePort } from '../lib/stack';

const asRoot = process.getuid?.() === 0;

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL from a checkout in a mode-700 folder (lib/postgres.ts startPostgres)', () => {
  const created: string[] = [];
  const running = new Set<RunningPostgres>();
  const previousHome = process.env.WORKSHOP_POSTGRES_HOME;
  afterAll(async () => {
    for (const postgres of running) await postgres.stop().catch(() => undefined);
    for (const folder of created) await rm(folder, { recursive: true, force: true });
    if (previousHome === undefined) delete process.env.WORKSHOP_POSTGRES_HOME;
    else process.env.WORKSHOP_POSTGRES_HOME = previousHome;
  });

  it.skipIf(!asRoot)(
    'as root (skipped otherwise: an ordinary user runs PostgreSQL as itself, nothing staged or relocated): stages the binaries, keeps the cluster outside, data survive a restart, deleting the data folder starts over',
    async () => {
      // The "checkout": a mkdtemp folder (mode 700), with the binaries inside it as node_modules would have them.
      const folder = await mkdtemp(path.join(os.tmpdir(), 'workshop-700-'));
      created.push(folder);
      expect((await stat(folder)).mode & 0o777).toBe(0o700);
      const binaries = path.join(folder, 'native');
      await cp(await postgresBinaries(), binaries, { recursive: true, verbatimSymlinks: true });
      // Staged binaries and relocated clusters go to a home of the test's own, made by startPostgres.
      const home = path.join(os.tmpdir(), `workshop-postgres-home-${randomUUID()}`);
      created.push(home);
      process.env.WORKSHOP_POSTGRES_HOME = home;
      const dataDir = path.join(folder, 'checkout', '.data', 'postgres');
      const relocated = relocatedClusterPath(dataDir);
      expect(path.dirname(relocated)).toBe(path.join(home, 'data'));

      const start = async () => {
        const postgres = await startPostgres({ dataDir, port: await freePort(), persistent: true, binaries });
        running.add(postgres);
        return postgres;
      };
      const stop = async (postgres: RunningPostgres) => {
        await postgres.stop();
        running.delete(postgres);
      };

      // First start: a fresh cluster, kept outside the 700 folder, the data folder a link to it.
      let postgres = await start();
      expect((await lstat(dataDir)).isSymbolicLink()).toBe(true);
      expect(await readlink(dataDir)).toBe(relocated);
      const cluster = await stat(relocated);
      expect(cluster.mode & 0o777).toBe(0o700);
      expect(cluster.uid).not.toBe(0);
      const homeStat = await stat(home);
      expect([homeStat.uid, homeStat.mode & 0o777]).toEqual([0, 0o755]);
      const staged = (await readdir(home)).filter((name) => name !== 'data');
      expect(staged).toHaveLength(1); // one finished copy, no temporary sibling left
      expect((await lstat(path.join(home, staged[0]!, 'bin', 'postgres'))).isFile()).toBe(true);
      let url = await postgres.database('survivor');
      await query(url, 'create table notes (body text)');
      await query(url, "insert into notes values ('kept')");
      await stop(postgres);

      // Second start: the same cluster, the row is there.
      postgres = await start();
      url = await postgres.database('survivor');
      expect((await query(url, 'select body from notes')).rows).toEqual([{ body: 'kept' }]);
      await stop(postgres);

      // Starting over: the link is gone (.data deleted), the relocated cluster goes with it.
      await rm(path.join(folder, 'checkout', '.data'), { recursive: true, force: true });
      postgres = await start();
      expect(await readlink(dataDir)).toBe(relocated);
      url = await postgres.database('survivor');
      expect((await query(url, "select to_regclass('public.notes') as notes")).rows).toEqual([{ notes: null }]);
      expect((await query(postgres.adminUrl, "select count(*)::int as n from pg_database where datname = 'survivor'")).rows).toEqual([{ n: 1 }]);
      await stop(postgres);
    },
    180_000,
  );
});
