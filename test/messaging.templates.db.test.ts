import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyText, customTexts, resetText, saveText } from '../db/templates';
import { builtInText } from '../lib/templates';
import { createLocation, createStaff } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';

describe('message texts per company (PostgreSQL)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  async function company() {
    const { companyId } = await createLocation(platform.db, { hours: false });
    const admin = await createStaff(platform.db, companyId, 'admin');
    const { id: staffId } = await platform.db('staff_users').where({ email: admin.email }).first('id');
    return { companyId, staffId };
  }

  it('falls back to the built-in text; an unknown language reads English', async () => {
    const { companyId } = await company();
    expect(await companyText(platform.db, companyId, 'lead_rejection', 'sms', 'de')).toEqual({
      ...builtInText('lead_rejection', 'sms', 'de'),
      custom: false,
    });
    expect(await companyText(platform.db, companyId, 'appointment_confirmation', 'email', 'pl')).toEqual({
      ...builtInText('appointment_confirmation', 'email', 'en'),
      custom: false,
    });
  });

  it("a company's own text wins for its purpose, channel and language only, and not for other companies", async () => {
    const own = await company();
    const other = await company();
    const text = { subject: '', body: 'Leider ist [Date] schon voll. Bitte rufen Sie uns an: [LocationPhone].' };
    await saveText(platform.db, own.companyId, { purpose: 'lead_rejection', channel: 'sms', language: 'de' }, text, own.staffId);

    expect(await companyText(platform.db, own.companyId, 'lead_rejection', 'sms', 'de')).toEqual({ ...text, custom: true });
    expect((await companyText(platform.db, own.companyId, 'lead_rejection', 'sms', 'nl')).custom).toBe(false);
    expect((await companyText(platform.db, own.companyId, 'lead_rejection', 'email', 'de')).custom).toBe(false);
    expect((await companyText(platform.db, other.companyId, 'lead_rejection', 'sms', 'de')).custom).toBe(false);

    // Saved again: one row, the newer text.
    await saveText(platform.db, own.companyId, { purpose: 'lead_rejection', channel: 'sms', language: 'de' }, { subject: '', body: 'Neu.' }, own.staffId);
    expect((await companyText(platform.db, own.companyId, 'lead_rejection', 'sms', 'de')).body).toBe('Neu.');
    expect(await customTexts(platform.db, own.companyId)).toEqual([
      expect.objectContaining({ purpose: 'lead_rejection', channel: 'sms', language: 'de', updated_by_name: 'Test admin' }),
    ]);
  });

  it('reset brings back the built-in text', async () => {
    const { companyId, staffId } = await company();
    const key = { purpose: 'appointment_confirmation', channel: 'email', language: 'fr' } as const;
    await saveText(platform.db, companyId, key, { subject: 'RDV [Date]', body: 'À [Time].' }, staffId);
    expect((await companyText(platform.db, companyId, 'appointment_confirmation', 'email', 'fr')).custom).toBe(true);
    await resetText(platform.db, companyId, key);
    expect(await companyText(platform.db, companyId, 'appointment_confirmation', 'email', 'fr')).toEqual({
      ...builtInText('appointment_confirmation', 'email', 'fr'),
      custom: false,
    });
    expect(await customTexts(platform.db, companyId)).toEqual([]);
  });

  it('the database refuses an e-mail without subject and an SMS with one', async () => {
    const { companyId, staffId } = await company();
    await expect(
      saveText(platform.db, companyId, { purpose: 'lead_rejection', channel: 'email', language: 'en' }, { subject: ' ', body: 'Sorry.' }, staffId),
    ).rejects.toThrow(/company_templates_filled/);
    await expect(
      platform.db('company_templates').insert({ company_id: companyId, purpose: 'lead_rejection', channel: 'sms', language: 'en', subject: 'x', body: 'Sorry.' }),
    ).rejects.toThrow(/company_templates_filled/);
    await expect(
      platform.db('company_templates').insert({ company_id: companyId, purpose: 'lead_rejection', channel: 'fax', language: 'en', subject: '', body: 'Sorry.' }),
    ).rejects.toThrow(/company_templates_channel/);
  });
});
