import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyText, resolveTemplate } from '../db/templates';
import { purposeChannels, purposeTags, singleTextPurposes, whatsappTemplates } from '../lib/templates';
import { createLocation, createStaff } from './support/fixtures';
import { httpClient, visibleText } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

/**
 * The one admin page of the one template system: a section per purpose,
 * each text per channel and language edited with a preview and the tag
 * legend of its purpose; invitations (several, named) in their section.
 */
describe('one template system: the admin page (HTTP)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  it('lists every purpose, and edits and previews a text of each, per channel, with the tags of its purpose', async () => {
    const { companyId } = await createLocation(platform.db, { name: 'Garage Eén' });
    const admin = httpClient(platform.baseUrl);
    const { email, password } = await createStaff(platform.db, companyId, 'admin');
    await admin.login(email, password);

    const overview = visibleText((await admin.page('/staff/settings/messages?lang=en')).html);
    for (const heading of ['Estimate booking link', 'Repair booking link', 'Invitations', 'Request received', 'Request rejected', 'Appointment confirmed', 'Online check-in link', 'Appointment reminder']) {
      expect(overview).toContain(heading);
    }

    for (const purpose of singleTextPurposes) {
      for (const channel of purposeChannels[purpose]) {
        const path = `/staff/settings/messages/${purpose}/${channel}/nl`;
        const page = await admin.formPage(`${path}?lang=en`);
        expect(page.status, path).toBe(200);
        // The legend names exactly this purpose's tags.
        for (const tag of purposeTags[purpose]) expect(page.html, `${path} [${tag}]`).toContain(`<code>[${tag}]</code>`);

        // Every tag of the purpose once: WhatsApp wants exactly its template's, and the preview fills them all.
        const tags = channel === 'whatsapp' ? whatsappTemplates[purpose]!.parameters : purposeTags[purpose];
        const body = `Tekst ${purpose}: ${tags.map((tag) => `[${tag}]`).join(' | ')}.`;
        const subject = channel === 'email' ? `Onderwerp [LocationName] ${purpose}` : '';
        const preview = await admin.post(path, { action: 'preview', subject, body });
        expect(preview.status, path).toBe(200);
        const shown = visibleText(await preview.text());
        expect(shown, path).toContain(`Tekst ${purpose}: Jan Peeters |`); // the sample customer, filled in
        expect(shown, path).toContain('Garage Eén');
        if (channel === 'email') expect(shown, path).toContain(`Onderwerp Garage Eén ${purpose}`);
        expect((await companyText(platform.db, companyId, purpose, channel, 'nl')).custom, `${path}: a preview saves nothing`).toBe(false);

        const saved = await admin.post(path, { action: 'save', subject, body });
        expect(saved.status, path).toBe(303);
        expect(await companyText(platform.db, companyId, purpose, channel, 'nl'), path).toEqual({ subject, body, custom: true });
      }
    }
  });

  it('adds an invitation with a preview in its section; the old Templates URLs lead there', async () => {
    const { companyId, location } = await createLocation(platform.db, { name: 'Garage Twee' });
    const admin = httpClient(platform.baseUrl);
    const { email, password } = await createStaff(platform.db, companyId, 'admin');
    await admin.login(email, password);

    for (const [old, now] of [
      ['/staff/settings/templates', '/staff/settings/messages#purpose-invitation'],
      ['/staff/settings/templates/new?from=builtin%3Abook-repair%3Ade', '/staff/settings/messages/invitation/new?from=builtin%3Abook-repair%3Ade'],
      ['/staff/settings/templates/5', '/staff/settings/messages/invitation/5'],
    ]) {
      const answer = await admin.request(old!);
      expect([answer.status, answer.headers.get('location')], old).toEqual([301, now]);
    }

    const copy = (await admin.formPage('/staff/settings/messages/invitation/new?from=builtin%3Afollow-repair%3Afr&lang=en')).html;
    expect(copy).toContain('value="Suivez votre réparation (copy)"');
    const fields = { name: 'Volg uw wagen', language: 'nl', subject: 'Bij [LocationName]', body: 'Beste [CustomerName], volg [URLStatusRepair] ([JobNumber]). [Typo]' };
    const preview = visibleText(await (await admin.post('/staff/settings/messages/invitation', { ...fields, action: 'preview' })).text());
    expect(preview).toContain('Bij Garage Twee');
    expect(preview).toContain(`/p/${location.slug}/lookup/status?job=1234&amp;lang=nl (1234). [Typo]`);
    expect(preview).toContain('Not a known tag, left as typed: [Typo]');
    const saved = await admin.post('/staff/settings/messages/invitation', { ...fields, action: 'save' });
    expect([saved.status, saved.headers.get('location')]).toEqual([303, '/staff/settings/messages?done=invitationSaved#purpose-invitation']);
    const row = await platform.db('company_templates').where({ company_id: companyId, purpose: 'invitation' }).first();
    expect(row).toMatchObject({ ...fields, channel: 'email' });
    expect(await resolveTemplate(platform.db, companyId, `own:${row.id}`)).toMatchObject({ name: 'Volg uw wagen', builtIn: false });
    const overview = visibleText((await admin.page('/staff/settings/messages?done=invitationSaved&lang=en')).html);
    expect(overview).toContain('Template saved.');
    expect(overview).toContain('Volg uw wagen');

    // The same name twice is refused with what was typed kept.
    const twice = await admin.post('/staff/settings/messages/invitation', { ...fields, action: 'save' });
    expect(twice.status).toBe(422);
    expect(visibleText(await twice.text())).toContain('You already have a template with this name.');
  });
});
