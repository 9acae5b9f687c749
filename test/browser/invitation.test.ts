import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectHeading, htmxSettled, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createJob, createLocation, createStaff } from '../support/fixtures';
import { waitForMail } from '../support/mail';

const csrfOf = (page: Page) => page.locator('input[name=_csrf]').first().inputValue();

describe('browser: invitations from communication templates (P7)', () => {
  const t = usePlatformAndBrowser();

  it('admin adds a Dutch template; an advisor sends "book your repair"; the link opens the look-up with the job number and no plate', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId, location } = await createLocation(db, { name: 'Carrosserie Invite' });
    const job = await createJob(db, location, '1-INV-042');
    const { email: customerEmail } = await db('customers')
      .join('jobs', 'jobs.customer_id', 'customers.id')
      .where('jobs.id', job.id)
      .first('customers.email');
    const admin = await createStaff(db, companyId, 'admin');
    const advisor = await createStaff(db, companyId, 'service_advisor');

    // --- admin: a template with an empty subject is refused, the typed body kept; then saved.
    const adminContext = await t.browser.newContext();
    const adminPage = await adminContext.newPage();
    await staffLogin(adminPage, baseUrl, admin.email, admin.password);
    await expectHeading(adminPage, 'Aftersales board');
    // One page for every text customers receive: invitations are its section (the old "Templates" page moved there).
    expect(await adminPage.getByRole('link', { name: 'Templates' }).count()).toBe(0);
    await adminPage.getByRole('link', { name: 'Settings', exact: true }).click();
    await adminPage.getByRole('link', { name: 'Message texts' }).click();
    await expectHeading(adminPage, 'Message texts');
    await adminPage.getByRole('heading', { name: 'Invitations' }).waitFor();
    const old = await adminPage.request.get(`${baseUrl}/staff/settings/templates`, { maxRedirects: 0 });
    expect([old.status(), old.headers()['location']]).toEqual([301, '/staff/settings/messages#purpose-invitation']);
    expect(await adminPage.locator('table.built-in-templates').innerText()).toContain('Uitnodiging: plan uw herstelling in');
    await adminPage.getByRole('link', { name: 'Add a template' }).click();
    await expectHeading(adminPage, 'New template');
    const body = 'Beste [CustomerName],\n\nVolg uw herstelling via [URLStatusRepair] (dossier [JobNumber]).\n\nGroeten,\n[LocationName] [Onbekend]';
    await adminPage.getByLabel('Name', { exact: true }).fill('Herinnering opvolging');
    await adminPage.getByRole('combobox', { name: 'Language' }).selectOption('nl');
    await adminPage.getByLabel('Message').fill(body);
    await adminPage.getByRole('button', { name: 'Save template' }).click();
    await adminPage.getByText('Please enter a subject.').waitFor();
    expect(await adminPage.getByLabel('Message').inputValue()).toBe(body);
    expect(await adminPage.getByLabel('Name', { exact: true }).inputValue()).toBe('Herinnering opvolging');
    expect(await adminPage.getByRole('combobox', { name: 'Language' }).inputValue()).toBe('nl');

    await adminPage.getByLabel('Subject').fill('Uw herstelling bij [LocationName]');
    await adminPage.getByRole('button', { name: 'Preview', exact: true }).click();
    const adminPreview = adminPage.locator('.mail-preview');
    await adminPreview.getByText('Uw herstelling bij Carrosserie Invite').waitFor();
    expect(await adminPreview.innerText()).toContain(`/p/${location.slug}/lookup/status?job=1234&lang=nl`);
    expect(await adminPreview.innerText()).toContain('[Onbekend]'); // unknown tags stay as typed
    await adminPage.getByRole('button', { name: 'Save template' }).click();
    await adminPage.getByText('Template saved.').waitFor();
    await expectHeading(adminPage, 'Message texts');
    expect(await adminPage.locator('table.own-templates').innerText()).toContain('Herinnering opvolging');
    const saved = await db('company_templates').where({ company_id: companyId, purpose: 'invitation' }).first();
    expect(saved).toMatchObject({ name: 'Herinnering opvolging', channel: 'email', language: 'nl', subject: 'Uw herstelling bij [LocationName]', body });
    await adminContext.close();

    // --- service advisor: the job page offers the invitation, "book your repair" in the customer's language by default.
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, baseUrl, advisor.email, advisor.password);
    await expectHeading(page, 'Aftersales board');
    await page.goto(`${baseUrl}/staff/jobs/${job.job_number}?lang=en`);
    await expectHeading(page, `Job ${job.job_number}`);
    const invite = page.locator('#invite');
    const select = invite.getByLabel('Template');
    await select.waitFor();
    await htmxSettled(page); // the section loaded itself; its change trigger is set up when the swap settles
    expect(await invite.locator('option:checked').innerText()).toBe('Invitation: book your repair (EN)');
    const preview = invite.locator('.mail-preview');
    expect(await preview.innerText()).toContain(`${baseUrl}/p/${location.slug}/lookup/repair?job=${job.job_number}&lang=en`);
    expect(await preview.innerText()).toContain(customerEmail);

    // Choosing another template previews it in place (htmx), tags expanded with this job.
    await select.selectOption({ label: 'Herinnering opvolging (NL)' });
    await preview.getByText('Uw herstelling bij Carrosserie Invite').waitFor();
    expect(await preview.innerText()).toContain(`/p/${location.slug}/lookup/status?job=${job.job_number}&lang=nl`);
    await htmxSettled(page);
    await select.selectOption({ label: 'Invitation: book your repair (EN)' });
    await preview.getByText('Book the repair of your vehicle at Carrosserie Invite').waitFor();
    await htmxSettled(page);

    await invite.getByRole('button', { name: 'Send by e-mail' }).click();
    await page.getByText(`Invitation queued to ${customerEmail}.`).waitFor();
    // The list of sent messages follows the outbox: "Sending" turns into "Sent" without a reload.
    await page.locator('#job-messages').getByRole('cell', { name: 'Sent', exact: true }).waitFor({ timeout: 30_000 });

    // --- the real e-mail: the location's portal link with the job number, never the plate.
    const mail = await waitForMail(customerEmail);
    expect(mail.subject).toBe('Book the repair of your vehicle at Carrosserie Invite');
    expect(mail.text).toContain('Dear Karel Janssens,');
    const link = mail.text.match(/https?:\/\/\S+\/lookup\/repair\?\S+/)?.[0];
    expect(link, mail.text).toBeDefined();
    const url = new URL(link!);
    expect(url.origin).toBe(baseUrl);
    expect(url.pathname).toBe(`/p/${location.slug}/lookup/repair`);
    expect(url.searchParams.get('job')).toBe(job.job_number);
    expect([...url.searchParams.keys()].sort()).toEqual(['job', 'lang']);
    for (const plate of ['1-INV-042', '1INV042']) {
      expect(link).not.toContain(plate);
      expect(mail.text).not.toContain(plate);
    }
    expect(mail.html).toContain(`href="${link!.replace(/&/g, '&amp;')}"`);
    const row = await db('sent_messages').where({ job_id: job.id }).first();
    expect(row).toMatchObject({ kind: 'invitation', status: 'sent', recipient: customerEmail, subject: mail.subject });
    expect(row.idempotency_key).toMatch(/^invitation-[0-9a-f-]{36}:email$/);
    await context.close();

    // --- the customer follows the link: the portal's look-up, job number filled in, plate to type.
    const customer = await t.browser.newContext();
    const customerPage = await customer.newPage();
    await customerPage.goto(link!);
    await expectHeading(customerPage, 'Book a repair');
    expect(await customerPage.getByLabel('Job number').inputValue()).toBe(job.job_number);
    expect(await customerPage.getByLabel('Registration plate').inputValue()).toBe('');
    await customer.close();
  });

  it('a mechanic cannot send invitations; a customer without e-mail gets a clear refusal', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId, location } = await createLocation(db);
    const job = await createJob(db, location);
    const noEmail = await createJob(db, location);
    await db('customers').whereIn('id', db('jobs').where({ id: noEmail.id }).select('customer_id')).update({ email: '' });
    const mechanic = await createStaff(db, companyId, 'mechanic');
    const desk = await createStaff(db, companyId, 'receptionist');

    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, baseUrl, mechanic.email, mechanic.password);
    await expectHeading(page, 'Aftersales board');
    await page.goto(`${baseUrl}/staff/jobs/${job.job_number}?lang=en`);
    await expectHeading(page, `Job ${job.job_number}`);
    expect(await page.locator('#invite').count()).toBe(0);
    const forged = await page.request.post(`${baseUrl}/staff/jobs/${job.job_number}/invitations`, {
      form: { _csrf: await csrfOf(page), template: 'builtin:book-repair:en' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('You do not have permission to do this.');
    expect((await page.request.get(`${baseUrl}/staff/jobs/${job.job_number}/invite`)).status()).toBe(403);
    expect((await page.request.get(`${baseUrl}/staff/settings/messages/invitation/new`)).status()).toBe(403);
    await context.close();

    const deskContext = await t.browser.newContext();
    const deskPage = await deskContext.newPage();
    await staffLogin(deskPage, baseUrl, desk.email, desk.password);
    await expectHeading(deskPage, 'Aftersales board');
    await deskPage.goto(`${baseUrl}/staff/jobs/${noEmail.job_number}?lang=en`);
    const invite = deskPage.locator('#invite');
    await invite.getByText('(no e-mail address)').waitFor();
    await invite.getByRole('button', { name: 'Send by e-mail' }).click();
    await invite.getByText('This customer has no e-mail address.').waitFor();
    await deskContext.close();
    expect(await db('sent_messages').where({ job_id: noEmail.id })).toEqual([]);
  });
});
