import { ConfigError, loadConfig } from '../lib/config';
import { createDb, migrate } from './knex';

/**
 * `node dist/migrate.js` (or `npx tsx db/migrate.ts`): brings the schema up to
 * date and exits. docker-compose.yml runs it once before the web and worker
 * replicas start (they migrate at start too, which is then a no-op).
 */
async function main() {
  const config = loadConfig();
  const db = createDb(config.DATABASE_URL, 1);
  try {
    await migrate(db);
    console.log('database schema up to date');
  } finally {
    await db.destroy();
  }
}

// An entry point only, like web/server.ts: nothing imports it.
main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
