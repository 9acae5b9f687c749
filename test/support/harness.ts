import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Knex } from 'knex';
import pg from 'pg';
import { activityDeps, createActivities, type ActivityDeps } from '../../activities';
import { createMailTransport } from '../../activities/mail/transport';
import { createDb, migrate } from '../../db/knex';
import { loadConfig, type Config } from '../../lib/config';
import { createI18n } from '../../lib/i18n';
import { createLogger } from '../../lib/logger';
import { freePort } from '../../lib/stack';
import { createTemporalClient, ensureSearchAttributes } from '../../clients/temporal';
import { createApp } from '../../web/app';
import { LiveChanges } from '../../web/live';
import { createWorker } from '../../worker';

export interface Platform {
  config: Config;
  db: Knex;
  temporal: Client;
  baseUrl: string;
  activities: ReturnType<typeof createActivities>;
  /** the activities' dependencies, for a test that builds one group with other settings */
  deps: ActivityDeps;
  /** stops the worker (in-flight tasks finish) — workflows wait on the server meanwhile */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** Cuts every open connection of this web process (live pages then reconnect). */
  dropConnections(): void;
  /** A second web process on the same database and Temporal, as a replica behind a proxy (closed with the platform). */
  startWebReplica(): Promise<{ baseUrl: string; dropConnections(): void }>;
  close(): Promise<void>;
}

/** Addresses of the servers started once per run (test/globalSetup.ts, or bench/). */
export interface Infrastructure {
  databaseAdminUrl: string;
  temporalAddress: string;
  smtpUrl: string;
  workflowBundlePath: string;
  tmpDir: string;
}

/** One fresh database per platform, created through the admin connection. */
export async function createDatabase(adminUrl: string): Promise<string> {
  const name = `test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * One Temporal namespace per platform: workflow ids come from job numbers,
 * which every fresh database starts at 1001, so platforms sharing a namespace
 * would meet each other's workflows (as two deployments sharing one would).
 */
async function createNamespace(address: string): Promise<string> {
  const namespace = `test-${randomUUID()}`;
  const client = await createTemporalClient(address, namespace);
  await client.connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  await ensureSearchAttributes(client, namespace);
  await client.connection.close();
  return namespace;
}

/**
 * The whole platform for one test file, wired as in production: a fresh
 * database, a worker on its own task queue (built by createWorker, on the
 * run's shared workflow bundle), and the web app on a free port.
 */
export async function startPlatformOn(infra: Infrastructure, env: Record<string, string> = {}): Promise<Platform> {
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: await createDatabase(infra.databaseAdminUrl),
    DATABASE_POOL_MAX: '20',
    TEMPORAL_ADDRESS: infra.temporalAddress,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE ?? (await createNamespace(infra.temporalAddress)),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    SMTP_URL: infra.smtpUrl,
    // The default layout, .data/uploads: a data folder whose name starts with a dot (Express refuses to send
    // files under one unless told), in a folder of this platform's own.
    UPLOAD_DIR: path.join(infra.tmpDir, `platform-${port}`, '.data', 'uploads'),
    IMPORT_DIR: path.join(infra.tmpDir, `platform-${port}`, '.data', 'imports'),
    ...env,
  });
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  await migrate(db);
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 5 });
  const temporal = await createTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  const i18n = await createI18n();
  const transport = createMailTransport(config.SMTP_URL);
  const deps = activityDeps(config, { db, transport, i18n, temporal });
  const log = createLogger(config.LOG_LEVEL, 'test');

  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let connection: NativeConnection | undefined;
  const startWorker = async () => {
    connection ??= await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    worker = await createWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      deps,
      workflowBundle: { codePath: infra.workflowBundlePath },
    });
    running = worker.run();
  };
  const stopWorker = async () => {
    if (worker && worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    worker = undefined;
  };
  await startWorker();

  /** One web process: its app, its LISTEN connection, its HTTP server. */
  const startWeb = async (webPort: number) => {
    const changes = new LiveChanges(config.DATABASE_LISTEN_URL, log);
    await changes.start();
    const app = createApp({ config, db, pool, temporal, i18n, log, changes });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(webPort, '127.0.0.1', () => resolve(s));
    });
    return {
      server,
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await changes.stop();
      },
    };
  };
  const web = await startWeb(port);
  const replicas: Awaited<ReturnType<typeof startWeb>>[] = [];

  return {
    config,
    db,
    temporal,
    baseUrl: config.PUBLIC_URL,
    activities: createActivities(deps),
    deps,
    stopWorker,
    startWorker,
    dropConnections: () => web.server.closeAllConnections(),
    async startWebReplica() {
      const replicaPort = await freePort();
      const replica = await startWeb(replicaPort);
      replicas.push(replica);
      return { baseUrl: `http://127.0.0.1:${replicaPort}`, dropConnections: () => replica.server.closeAllConnections() };
    },
    async close() {
      await Promise.all([web, ...replicas].map((w) => w.close()));
      await stopWorker();
      transport.close();
      await connection?.close();
      await temporal.connection.close();
      await Promise.all([db.destroy(), pool.end()]);
    },
  };
}
