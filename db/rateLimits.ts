import type { Knex } from 'knex';

export interface Hits {
  hits: number;
  resetAt: Date;
}

/** Counts `by` hits (one attempt, or the kilobytes of an upload) in a fixed window that starts with the first hit. */
export async function incrementHits(db: Knex, key: string, windowMs: number, by = 1): Promise<Hits> {
  const { rows } = await db.raw(
    `insert into rate_limits (key, hits, reset_at) values (?, ?, now() + ? * interval '1 millisecond')
     on conflict (key) do update set
       hits = case when rate_limits.reset_at <= now() then excluded.hits else rate_limits.hits + excluded.hits end,
       reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
     returning hits, reset_at`,
    [key, by, windowMs],
  );
  return { hits: rows[0].hits, resetAt: rows[0].reset_at };
}

export async function getHits(db: Knex, key: string): Promise<Hits | undefined> {
  const row = await db('rate_limits').where({ key }).where('reset_at', '>', db.fn.now()).first('hits', 'reset_at');
  return row ? { hits: row.hits, resetAt: row.reset_at } : undefined;
}

export async function decrementHits(db: Knex, key: string, by = 1): Promise<void> {
  await db('rate_limits').where({ key }).update({ hits: db.raw('greatest(hits - ?, 0)', [by]) });
}

export async function resetHits(db: Knex, key: string): Promise<void> {
  await db('rate_limits').where({ key }).delete();
}

export async function pruneExpiredHits(db: Knex): Promise<void> {
  await db('rate_limits').where('reset_at', '<', db.fn.now()).delete();
}
