import type { Knex } from 'knex';

/**
 * W3: the board's read (db/board.ts boardCards) without scanning a
 * location's history. A day's cards come from appointments_board (location,
 * start); the cards carried over from earlier days are either still without
 * a job (New: this partial index) or belong to a job that is not picked up,
 * or was picked up since the day began (Completed leaves the board the next
 * day): those are found from the jobs side by the two job indexes, then
 * their appointments by appointments.job_id.
 */
const indexes = [
  `create index appointments_board_jobless on appointments (location_id, starts_at) where job_id is null and kind <> 'estimate' and status <> 'cancelled'`,
  `create index jobs_on_board on jobs (company_id) where step <> 'picked_up'`,
  `create index jobs_picked_up on jobs (company_id, picked_up_at) where picked_up_at is not null`,
];

export async function up(knex: Knex): Promise<void> {
  for (const statement of indexes) await knex.raw(statement);
}

export async function down(knex: Knex): Promise<void> {
  for (const name of ['jobs_picked_up', 'jobs_on_board', 'appointments_board_jobless']) await knex.raw(`drop index ${name}`);
}
