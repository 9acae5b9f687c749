import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation, createStaff } from './support/fixtures';
import { httpClient, type HttpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

describe('staff sessions in PostgreSQL', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ SESSION_ABSOLUTE_TIMEOUT: '2s', SESSION_IDLE_TIMEOUT: '1h' });
  });
  afterAll(() => platform?.close());

  it('stores the session in the sessions table and ends a login after the absolute timeout, however active', async () => {
    const { companyId } = await createLocation(platform.db);
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    const browser = httpClient(platform.baseUrl);
    const answer = await browser.login(email, password);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/staff/board');

    const sid = decodeURIComponent(browser.cookie('workshop.sid')!).slice(2).split('.')[0]!;
    const row = await platform.db('sessions').where({ sid }).first();
    expect(row.sess.staffId).toBeGreaterThan(0);

    expect((await browser.request('/staff/jobs')).status).toBe(200);
    // Keep using it: activity does not extend an absolute timeout.
    const redirected = await waitUntil('the login to end', async () => {
      const response = await browser.request('/staff/jobs');
      return response.status === 303 ? response : undefined;
    });
    expect(redirected.headers.get('location')).toContain('/staff/login');
  });
});

describe('staff sessions: the idle timeout', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ SESSION_IDLE_TIMEOUT: '3s', SESSION_ABSOLUTE_TIMEOUT: '1h' });
  });
  afterAll(() => platform?.close());

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const loggedIn = async () => {
    const { companyId } = await createLocation(platform.db);
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    const browser = httpClient(platform.baseUrl);
    expect((await browser.login(email, password)).status).toBe(303);
    expect((await browser.request('/staff/jobs')).status).toBe(200);
    return browser;
  };
  /** What the New-leads badge asks every few seconds, as htmx sends it. */
  const poll = (browser: HttpClient) => browser.request('/staff/leads/badge', { headers: { 'HX-Request': 'true', 'X-Poll': 'true' } });

  it('a page polling by itself does not keep an idle login alive; the next poll sends the screen to the login page', async () => {
    const browser = await loggedIn();
    let answered = 0;
    let answer = await poll(browser);
    while (answer.status === 200 && answered < 40) {
      answered++;
      await pause(300);
      answer = await poll(browser);
    }
    expect(answered).toBeGreaterThanOrEqual(2); // it polled on for a while (the login did not end at once)…
    expect(answer.status).toBe(401); // …and ended after the idle time, polls notwithstanding
    expect(answer.headers.get('hx-redirect')).toBe('/staff/login');
    expect((await browser.request('/staff/jobs')).headers.get('location')).toContain('/staff/login');
  });

  it('a staff member at work stays logged in past the idle timeout', async () => {
    const browser = await loggedIn();
    for (let i = 0; i < 12; i++) {
      await pause(400);
      expect((await browser.request('/staff/jobs')).status).toBe(200);
      expect((await poll(browser)).status).toBe(200);
    }
  });
});
