import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb, type Knex } from '../db/knex';
import { migrationSource } from '../db/migrations';
import { companyText, createOwnTemplate, customTexts, listOwnTemplates, resolveTemplate } from '../db/templates';
import { renderTemplate, whatsappTagProblems } from '../lib/templates';

const mine = '20261201200000_one_template_system';

/**
 * The one template system's migration over a database in the shape before
 * it (made by running the migrations up to the one before, then inserting
 * rows as the two old template systems wrote them): nothing is lost, the old
 * tag [Location] is the one set's [LocationName], invitations keep their ids.
 */
describe('migration to one template system (PostgreSQL)', () => {
  let db: Knex;
  let companyId: number;
  let staffId: number;

  beforeAll(async () => {
    const name = `test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: inject('databaseAdminUrl') });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(inject('databaseAdminUrl'));
    url.pathname = `/${name}`;
    db = createDb(url.toString(), 2);
    for (;;) {
      const [, pending] = (await db.migrate.list({ migrationSource })) as [unknown[], string[]];
      if (pending[0] === mine) break;
      if (pending.length === 0) throw new Error(`${mine} is not registered`);
      await db.migrate.up({ migrationSource });
    }
    [{ id: companyId }] = await db('companies').insert({ name: 'Garage Oud' }).returning('id');
    [{ id: staffId }] = await db('staff_users')
      .insert({ company_id: companyId, email: 'admin@oud.test', name: 'Annick Admin', password_hash: 'x', role: 'admin' })
      .returning('id');
  });
  afterAll(() => db?.destroy());

  it('moves message texts and invitations into company_templates without loss, and back down', async () => {
    // As lib/messageTemplates.ts wrote them: [Location] for the location's name.
    const changedAt = new Date('2026-11-20T10:00:00Z');
    await db('message_templates').insert([
      { company_id: companyId, purpose: 'lead_rejection', channel: 'email', language: 'nl', subject: 'Uw aanvraag bij [Location]', body: 'Beste [CustomerName], helaas. Groeten, [Location] ([LocationPhone])', updated_by: staffId, updated_at: changedAt },
      { company_id: companyId, purpose: 'lead_rejection', channel: 'sms', language: 'de', subject: '', body: '[Location]: leider nein. [Unbekannt]', updated_by: null },
      {
        company_id: companyId, purpose: 'checkin_reminder', channel: 'whatsapp', language: 'fr', subject: '',
        body: 'Bonjour [CustomerName], rappel chez [Location] le [Date] à [Time] pour [Plate] : [CheckinLink]. Appelez le [LocationPhone].',
      },
    ]);
    // As P7 wrote them (db/communicationTemplates.ts), with a gap in the ids.
    await db('communication_templates').insert([
      { id: 7, company_id: companyId, name: 'Winterbanden', language: 'nl', subject: 'Winterbanden bij [LocationName]', body: 'Beste [CustomerName], plan uw wissel: [URLBookRepair]\n\n[LocationName], [LocationPhone]' },
      { id: 9, company_id: companyId, name: 'Suivi', language: 'fr', subject: 'Votre dossier [JobNumber]', body: 'Suivez ici : [URLStatusRepair]' },
    ]);

    await db.migrate.up({ migrationSource });

    expect(await db.schema.hasTable('message_templates')).toBe(false);
    expect(await db.schema.hasTable('communication_templates')).toBe(false);
    const rejection = await companyText(db, companyId, 'lead_rejection', 'email', 'nl');
    expect(rejection).toEqual({ subject: 'Uw aanvraag bij [LocationName]', body: 'Beste [CustomerName], helaas. Groeten, [LocationName] ([LocationPhone])', custom: true });
    expect(renderTemplate(rejection, { CustomerName: 'Jan', LocationName: 'Garage Oud', LocationPhone: '09 1' }).text).toBe('Beste Jan, helaas. Groeten, Garage Oud (09 1)');
    expect(await companyText(db, companyId, 'lead_rejection', 'sms', 'de')).toEqual({ subject: '', body: '[LocationName]: leider nein. [Unbekannt]', custom: true });
    const reminder = await companyText(db, companyId, 'checkin_reminder', 'whatsapp', 'fr');
    expect(whatsappTagProblems('checkin_reminder', reminder.body)).toEqual({ missing: [], extra: [] }); // still what the approved template says
    expect(await companyText(db, companyId, 'lead_rejection', 'email', 'en')).toMatchObject({ custom: false });
    const changed = await customTexts(db, companyId);
    expect(changed.find((row) => row.channel === 'email')).toMatchObject({ purpose: 'lead_rejection', language: 'nl', updated_by_name: 'Annick Admin', updated_at: changedAt });
    expect(changed).toHaveLength(3);

    // Invitations keep their ids, so "own:7" still names the same text; a new one gets a fresh id.
    expect(await resolveTemplate(db, companyId, 'own:7')).toMatchObject({
      name: 'Winterbanden', language: 'nl', subject: 'Winterbanden bij [LocationName]', body: 'Beste [CustomerName], plan uw wissel: [URLBookRepair]\n\n[LocationName], [LocationPhone]',
    });
    expect((await listOwnTemplates(db, companyId)).map((t) => [t.id, t.name])).toEqual([[9, 'Suivi'], [7, 'Winterbanden']]);
    const added = await createOwnTemplate(db, companyId, { name: 'Nieuw', language: 'en', subject: 'Hi', body: 'Hello' }, staffId);
    expect(added).toBeGreaterThan(9);

    // Down again: both old tables hold their rows as they were (the invitation added meanwhile too).
    await db.migrate.down({ migrationSource });
    expect(await db('message_templates').where({ company_id: companyId, channel: 'email' }).first('subject', 'body')).toEqual({
      subject: 'Uw aanvraag bij [Location]', body: 'Beste [CustomerName], helaas. Groeten, [Location] ([LocationPhone])',
    });
    expect(await db('communication_templates').orderBy('id').pluck('id')).toEqual([7, 9, added]);
    await db.migrate.up({ migrationSource });
    expect(await companyText(db, companyId, 'lead_rejection', 'sms', 'de')).toMatchObject({ body: '[LocationName]: leider nein. [Unbekannt]' });
  });
});
