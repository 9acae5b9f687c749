import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation, createStaff } from './support/fixtures';
import { httpClient } from './support/httpClient';
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
    expect(answer.headers.get('location')).toBe('/staff/jobs');

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
