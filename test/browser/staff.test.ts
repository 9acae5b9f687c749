import { describe, expect, it } from 'vitest';
import { usePlatformAndBrowser, expectHeading, staffLogin } from '../support/browser';
import { createLocation, createStaff } from '../support/fixtures';

describe('browser: staff login, roles, location settings and CSRF', () => {
  const t = usePlatformAndBrowser();

  it('refuses a wrong password with one message, and logs in and out', async () => {
    const { companyId } = await createLocation(t.platform.db);
    const { email, password } = await createStaff(t.platform.db, companyId, 'service_advisor');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, 'wrong password');
    await page.getByText('E-mail or password is not correct.').waitFor();
    expect(await page.getByLabel('E-mail').inputValue()).toBe(email);

    const anonymousCookie = (await context.cookies()).find((c) => c.name === 'workshop.sid');
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    const sessionCookie = (await context.cookies()).find((c) => c.name === 'workshop.sid');
    // A new session id at login; the cookie is HttpOnly and SameSite.
    expect(sessionCookie?.value).not.toBe(anonymousCookie?.value);
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    await page.getByRole('button', { name: 'Log out' }).click();
    await expectHeading(page, 'Staff login');
    await page.goto(`${t.platform.baseUrl}/staff/jobs`);
    expect(page.url()).toContain('/staff/login');
    await context.close();
  });

  it('an admin edits estimate hours, slot capacity and the portal buttons (P1)', async () => {
    const { companyId, location } = await createLocation(t.platform.db, { hours: false });
    const { email, password } = await createStaff(t.platform.db, companyId, 'admin');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('link', { name: 'Locations', exact: true }).click();
    await page.getByRole('link', { name: location.name }).click();

    await page.getByLabel('Estimates per slot').fill('0');
    await page.getByLabel('Monday opens 1').fill('09:00');
    await page.getByLabel('Monday closes 1').fill('08:00');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Please correct the fields marked below.').waitFor();
    expect(await page.getByText('Between 1 and 100 bookings per slot.').isVisible()).toBe(true);
    expect(await page.getByText('Closing time must be after opening time.').isVisible()).toBe(true);
    expect(await page.getByLabel('Monday opens 1').inputValue()).toBe('09:00');

    await page.getByLabel('Estimates per slot').fill('3');
    await page.getByLabel('Monday closes 1').fill('12:00');
    await page.getByLabel('Show "Book an estimate"').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved.').waitFor();

    const saved = await t.platform.db('locations').where({ id: location.id }).first();
    expect(saved).toMatchObject({ slot_capacity: 3, show_book_estimate: false, portal_enabled: true });
    const hours = await t.platform.db('estimate_hours').where({ location_id: location.id }).select('weekday', 'opens_at', 'closes_at');
    expect(hours).toEqual([{ weekday: 1, opens_at: '09:00:00', closes_at: '12:00:00' }]);

    const customer = await t.browser.newContext();
    const portal = await customer.newPage();
    await portal.goto(`${t.platform.baseUrl}/p/${location.slug}?lang=en`);
    await expectHeading(portal, 'Welcome');
    expect(await portal.getByRole('link', { name: 'Book an estimate' }).count()).toBe(0);
    const response = await portal.goto(`${t.platform.baseUrl}/p/${location.slug}/estimate/contact`);
    expect(response?.status()).toBe(404);
    await customer.close();
    await context.close();
  });

  it('a mechanic may not open location settings', async () => {
    const { companyId, location } = await createLocation(t.platform.db);
    const { email, password } = await createStaff(t.platform.db, companyId, 'mechanic');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    const response = await page.goto(`${t.platform.baseUrl}/staff/settings/locations/${location.id}`);
    expect(response?.status()).toBe(403);
    await context.close();
  });

  it('refuses a state-changing POST without the CSRF token', async () => {
    const { companyId, location } = await createLocation(t.platform.db);
    const { email, password } = await createStaff(t.platform.db, companyId, 'admin');
    // Without any session or token.
    const bare = await fetch(`${t.platform.baseUrl}/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password }),
      redirect: 'manual',
    });
    expect(bare.status).toBe(403);

    // Logged in, with a valid session cookie, but a forged form without the token.
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    const forged = await page.request.post(`${t.platform.baseUrl}/staff/settings/locations/${location.id}`, {
      form: { name: 'Hijacked', time_zone: 'Europe/Brussels', slot_minutes: '30', slot_capacity: '9', booking_horizon_days: '3', booking_lead_minutes: '0' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('This form has expired');
    expect((await t.platform.db('locations').where({ id: location.id }).first()).name).not.toBe('Hijacked');

    // The customer wizard is protected the same way.
    const wizard = await page.request.post(`${t.platform.baseUrl}/p/${location.slug}/estimate/contact`, {
      form: { firstName: 'X', lastName: 'Y', email: 'x@example.test', consent: 'yes' },
      maxRedirects: 0,
    });
    expect(wizard.status()).toBe(403);
    await context.close();
  });

  // Last in this file: it locks 127.0.0.1 out of this test database's login.
  it('locks out a client after 10 failed logins, with a clear message, even for the right password', async () => {
    const { companyId } = await createLocation(t.platform.db);
    const { email, password } = await createStaff(t.platform.db, companyId, 'admin');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    for (let attempt = 0; attempt < 10; attempt++) {
      await staffLogin(page, t.platform.baseUrl, email, `wrong ${attempt}`);
      await page.getByRole('alert').waitFor();
    }
    await staffLogin(page, t.platform.baseUrl, email, password);
    await page.getByText(/Too many failed logins\. Please try again in \d+ minutes\./).waitFor();
    expect(page.url()).toContain('/staff/login');
    await context.close();
  });
});
