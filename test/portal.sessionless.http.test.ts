import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointmentWithCheckinLink } from './support/checkin';
import { createJob, createLocation, createStaff } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

const sessionCookies = (response: Response) => response.headers.getSetCookie().filter((line) => /^(__Host-)?workshop\.sid=/.test(line));
const sessionRows = async (platform: Platform) => Number((await platform.db('sessions').count({ n: '*' }).first())!.n);

/** Issue 14: the portal's pages make no session for a visitor who only reads them or is shown a form. */
describe('portal pages without a session, their forms still CSRF-protected', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  it('the portal home, the estimate contact step, the status look-up and the check-in page set no session cookie and store no session', async () => {
    const { location } = await createLocation(platform.db);
    const { token } = await appointmentWithCheckinLink(platform.db, location);
    const rowsBefore = await sessionRows(platform);
    for (const path of [`/p/${location.slug}`, `/p/${location.slug}/estimate/contact`, `/p/${location.slug}/lookup/status`, `/c/${token}`]) {
      const visitor = httpClient(platform.baseUrl);
      const answer = await visitor.request(`${path}?lang=en`);
      expect(answer.status, path).toBe(200);
      expect(sessionCookies(answer), path).toEqual([]);
      const html = await answer.text();
      // A page with a form carries a token, tied to the visitor's CSRF cookie instead of a session.
      if (path !== `/p/${location.slug}`) {
        expect(html, path).toMatch(/name="_csrf" value="[A-Za-z0-9_-]{43}"/);
        expect(visitor.cookie('workshop.csrf'), path).toMatch(/^[A-Za-z0-9_-]{43}$/);
      }
    }
    expect(await sessionRows(platform)).toBe(rowsBefore);
  });

  it('the look-up form posts with the visitor token; the session is made once the plate + job number are proven', async () => {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    const customer = httpClient(platform.baseUrl);
    await customer.formPage(`/p/${location.slug}/lookup/status?lang=en`);
    const answer = await customer.post(`/p/${location.slug}/lookup/status`, { plate: job.plate, jobNumber: job.job_number });
    expect(answer.status).toBe(303);
    expect(sessionCookies(answer)).toHaveLength(1);
    expect((await customer.request(`/p/${location.slug}/status/${job.job_number}`)).status).toBe(200);
  });

  it('the estimate contact step posts with the visitor token and the wizard goes on to the vehicle step', async () => {
    const { location } = await createLocation(platform.db);
    const customer = httpClient(platform.baseUrl);
    await customer.formPage(`/p/${location.slug}/estimate/contact?lang=en`);
    const answer = await customer.post(`/p/${location.slug}/estimate/contact`, { firstName: 'An', lastName: 'Wit', email: 'an@example.test', consent: 'yes' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`/p/${location.slug}/estimate/vehicle`);
    const vehicle = await customer.formPage(`/p/${location.slug}/estimate/vehicle`);
    expect(vehicle.status).toBe(200);
  });

  it('refuses a post without a token, with a token but without its cookie, and with the token of another visitor', async () => {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    const form = { plate: job.plate, jobNumber: job.job_number };
    const path = `/p/${location.slug}/lookup/status`;

    const noToken = await fetch(`${platform.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    expect(noToken.status).toBe(403);

    const visitor = httpClient(platform.baseUrl);
    await visitor.formPage(`${path}?lang=en`);
    const token = visitor.csrfToken();
    const withoutCookie = await fetch(`${platform.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, ...form }).toString(),
      redirect: 'manual',
    });
    expect(withoutCookie.status).toBe(403);

    const other = httpClient(platform.baseUrl);
    await other.formPage(`${path}?lang=en`);
    const withOthersCookie = await fetch(`${platform.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: other.cookieHeader() },
      body: new URLSearchParams({ _csrf: token, ...form }).toString(),
      redirect: 'manual',
    });
    expect(withOthersCookie.status).toBe(403);
  });

  it('a logged-in staff member’s posts need the session token: the visitor token is not taken from them', async () => {
    const { companyId } = await createLocation(platform.db);
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    const browser = httpClient(platform.baseUrl);
    await browser.formPage('/staff/login?lang=en');
    const visitorToken = browser.csrfToken();
    await browser.login(email, password);
    const refused = await fetch(`${platform.baseUrl}/staff/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader() },
      body: new URLSearchParams({ _csrf: visitorToken }).toString(),
      redirect: 'manual',
    });
    expect(refused.status).toBe(403);
    expect((await browser.post('/staff/logout')).status).toBe(303);
  });
});
