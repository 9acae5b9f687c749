import type { Knex } from 'knex';

/**
 * W2: the per-company API keys a workshop planning system pushes
 * appointments with (POST /api/v1/appointments). Only the key's SHA-256 is
 * kept (lib/tokens.ts hashToken); the key itself is shown once, at creation.
 * The prefix lets staff tell their keys apart. A revoked key stays listed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('company_api_keys', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable().references('companies.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('key_prefix').notNullable();
    t.text('key_hash').notNullable().unique();
    t.integer('created_by').references('staff_users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.index(['company_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('company_api_keys');
}
