import pg from 'pg';
import { ConfigError, loadConfig } from '../lib/config';
import { createI18n } from '../lib/i18n';
import { createLogger } from '../lib/logger';
import { createTemporalClient } from '../clients/temporal';
import { createDb, migrate } from '../db/knex';
import { pruneExpiredHits } from '../db/rateLimits';
import { createApp } from './app';
import { LiveChanges } from './live';

/** Web process entry point: `node dist/server.js` (npm run build), or `tsx web/server.ts` from source. Scale out by running more of these. */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, 'web');
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  await migrate(db);
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 5 });
  // An idle client losing its server (restart, failover) must not crash the process; the pool reconnects.
  pool.on('error', (error) => log.warn({ err: error }, 'idle session database connection lost'));
  const temporal = await createTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  const changes = new LiveChanges(config.DATABASE_LISTEN_URL, log);
  await changes.start();
  const app = createApp({ config, db, pool, temporal, i18n: await createI18n(), log, changes });
  // Expired rate-limit windows are reset on the next hit anyway; this keeps the table small.
  const prune = setInterval(() => pruneExpiredHits(db).catch((error) => log.warn({ err: error }, 'pruning rate limits failed')), 15 * 60_000);
  prune.unref();
  const server = app.listen(config.PORT, () => log.info(`web listening on ${config.PUBLIC_URL} (port ${config.PORT})`));

  const stop = () => {
    log.info('web stopping');
    server.close(async () => {
      await Promise.allSettled([db.destroy(), pool.end(), temporal.connection.close(), changes.stop()]);
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
