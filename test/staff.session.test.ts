import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation, createStaff } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

/** A cookie-keeping client, as a browser without JavaScript. */
function client(baseUrl: string) {
  let cookie = '';
  return {
    async request(path: string, init: RequestInit = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
      });
      const set = response.headers.get('set-cookie');
      if (set?.startsWith('workshop.sid=')) cookie = set.split(';')[0]!;
      return response;
    },
    get cookie() {
      return cookie;
    },
  };
}

async function login(browser: ReturnType<typeof client>, email: string, password: string) {
  const form = await (await browser.request('/staff/login')).text();
  const csrf = form.match(/name="_csrf" value="([^"]+)"/)![1]!;
  return browser.request('/staff/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password }),
  });
}

describe('staff sessions in PostgreSQL', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ SESSION_ABSOLUTE_TIMEOUT: '2s', SESSION_IDLE_TIMEOUT: '1h' });
  });
  afterAll(() => platform?.close());

  it('stores the session in the sessions table and ends a login after the absolute timeout, however active', async () => {
    const { companyId } = await createLocation(platform.db);
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    const browser = client(platform.baseUrl);
    const answer = await login(browser, email, password);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/staff/jobs');

    const sid = decodeURIComponent(browser.cookie.split('=')[1]!).slice(2).split('.')[0]!;
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
