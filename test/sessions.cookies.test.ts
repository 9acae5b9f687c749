import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob, createLocation, createStaff } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

/** The Set-Cookie lines of a response for one cookie, with their attributes. */
const setCookies = (response: Response, name: string) => response.headers.getSetCookie().filter((line) => line.startsWith(`${name}=`));

describe('logout clears the session cookie in the browser too (production, behind the TLS proxy)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ NODE_ENV: 'production', SESSION_SECRET: 'a-test-secret-of-at-least-32-characters', TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => platform?.close());

  it('the clearing Set-Cookie names the __Host- cookie with Secure and Path=/, as a browser needs to drop it', async () => {
    const { companyId } = await createLocation(platform.db);
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    const browser = httpClient(platform.baseUrl, { headers: { 'X-Forwarded-Proto': 'https' } });
    await browser.login(email, password);
    expect(browser.cookie('__Host-workshop.sid')).toBeTruthy();

    const answer = await browser.post('/staff/logout');
    expect(answer.status).toBe(303);
    const [cleared, ...more] = setCookies(answer, '__Host-workshop.sid');
    expect(more).toEqual([]);
    const attributes = cleared!.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes[0]).toBe('__host-workshop.sid=');
    expect(attributes).toContain('secure');
    expect(attributes).toContain('path=/');
    expect(attributes.some((a) => a.startsWith('expires=thu, 01 jan 1970'))).toBe(true);
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    expect((await browser.request('/staff/jobs')).headers.get('location')).toContain('/staff/login');
  });
});

describe('sessions in development behind an HTTPS proxy, and the customer session after plate + job number', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => platform?.close());

  it('logout clears the cookie the session really has (workshop.sid), not the production name', async () => {
    const { companyId } = await createLocation(platform.db);
    const { email, password } = await createStaff(platform.db, companyId, 'receptionist');
    const browser = httpClient(platform.baseUrl, { headers: { 'X-Forwarded-Proto': 'https' } });
    await browser.login(email, password);
    const answer = await browser.post('/staff/logout');
    expect(setCookies(answer, 'workshop.sid')).toHaveLength(1);
    expect(setCookies(answer, '__Host-workshop.sid')).toEqual([]);
  });

  it('proving plate + job number gives the session a new id; the old id proves nothing', async () => {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    const customer = httpClient(platform.baseUrl);
    // The look-up page alone makes no session (its form's token is the visitor cookie's): a visitor who already
    // has one, from the estimate wizard's first step, is the case an id planted or read before is about.
    await customer.formPage(`/p/${location.slug}/estimate/contact?lang=en`);
    expect((await customer.post(`/p/${location.slug}/estimate/contact`, { firstName: 'An', lastName: 'Wit', email: 'an@example.test', consent: 'yes' })).status).toBe(303);
    await customer.formPage(`/p/${location.slug}/lookup/status?lang=en`);
    const before = customer.cookie('workshop.sid')!;
    expect(before).toBeTruthy();

    const answer = await customer.post(`/p/${location.slug}/lookup/status`, { plate: job.plate, jobNumber: job.job_number });
    expect(answer.status).toBe(303);
    const after = customer.cookie('workshop.sid')!;
    expect(after).not.toBe(before);
    expect((await customer.request(`/p/${location.slug}/status/${job.job_number}`)).status).toBe(200);

    const sid = (cookie: string) => decodeURIComponent(cookie).slice(2).split('.')[0]!;
    expect(await platform.db('sessions').where({ sid: sid(before) }).first()).toBeUndefined();
    const planted = await fetch(`${platform.baseUrl}/p/${location.slug}/status/${job.job_number}`, { headers: { cookie: `workshop.sid=${before}` }, redirect: 'manual' });
    expect(planted.status).toBe(303);
    expect(planted.headers.get('location')).toBe(`/p/${location.slug}/lookup/status`);
  });

  it('a new session id is stored once, before the 303 leaves: a late second write cannot undo what the next page stored (its CSRF token)', async () => {
    await platform.db.raw(`
      create table if not exists session_writes (sid text not null);
      create or replace function log_session_write() returns trigger language plpgsql as $$
        begin insert into session_writes (sid) values (new.sid); return new; end $$;
      drop trigger if exists session_writes on sessions;
      create trigger session_writes after insert or update of sess on sessions for each row execute function log_session_write();`);
    const { companyId } = await createLocation(platform.db);
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    const browser = httpClient(platform.baseUrl);
    await browser.formPage('/staff/login?lang=en');
    const login = await browser.post('/staff/login', { email, password });
    expect(login.status).toBe(303);
    await login.text(); // the whole answer: every write of the login request is done
    const sid = decodeURIComponent(browser.cookie('workshop.sid')!).slice(2).split('.')[0]!;
    expect(await platform.db('session_writes').where({ sid }).count({ n: '*' }).first()).toEqual({ n: 1 });

    // And so a form of the next page, read while the login answer was still arriving, is taken.
    await browser.formPage('/staff/jobs');
    expect(await platform.db('session_writes').where({ sid }).count({ n: '*' }).first()).toEqual({ n: 2 });
    expect((await browser.post('/staff/logout')).status).toBe(303);
  });
});
