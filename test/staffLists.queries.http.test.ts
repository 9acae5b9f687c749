import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation, createStaff } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { statementsDuring } from './support/plans';
import { startPlatform, type Platform } from './support/platform';
import { insertJobs, insertLeads } from './support/staffLists';

/** Issue 14: a staff list page costs few round trips to PostgreSQL, whatever it shows. */
describe('staff list pages: round trips to PostgreSQL', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
    // Only the web process's statements: no worker polling the database meanwhile.
    await platform.stopWorker();
  });
  afterAll(() => platform?.close());

  it('the jobs list: the session (with the staff member, permissions and badge) and the list; the lead manager: those and its look-ups', async () => {
    const { companyId, location } = await createLocation(platform.db);
    await insertJobs(platform.db, location, 60, 'Round');
    await insertLeads(platform.db, location, 60, 'Round');
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    const browser = httpClient(platform.baseUrl);
    await browser.login(email, password);
    // The first visit after the login writes the session's last activity; later ones within a minute write nothing.
    await browser.page('/staff/jobs?lang=en');

    const statementsOf = async (path: string, headers: Record<string, string> = {}) => {
      let status = 0;
      let html = '';
      const statements = (
        await statementsDuring(async () => {
          const response = await browser.request(path, { headers });
          status = response.status;
          html = await response.text();
        })
      ).map((statement) => statement.text);
      expect(status).toBe(200);
      return { statements, html };
    };
    const sessionLoad = expect.stringMatching(/^select x\.sess, s\.id\b/);

    const jobs = await statementsOf('/staff/jobs');
    expect(jobs.statements).toEqual([sessionLoad, expect.stringMatching(/from "jobs"/)]);
    // The badge counted in the session load: ten or more New leads show "9+".
    expect(jobs.html).toMatch(/id="lead-badge"[^>]*>9\+</);

    for (const path of ['/staff/leads', '/staff/leads?status=all&q=round', `/staff/leads?location=${location.id}`]) {
      const leads = await statementsOf(path);
      expect(leads.statements).toHaveLength(3);
      expect(leads.statements[0]).toEqual(sessionLoad);
      expect(leads.html).toContain('data-lead-id=');
    }
    // The table's own refresh and the badge's poll: the session load and, for the table, its rows and refresh interval.
    expect((await statementsOf('/staff/leads', { 'HX-Request': 'true', 'X-Poll': 'true' })).statements).toHaveLength(3);
    expect((await statementsOf('/staff/leads/badge', { 'HX-Request': 'true', 'X-Poll': 'true' })).statements).toEqual([sessionLoad]);
  });

  it('a permission taken away counts from the next request on, though the session is the same', async () => {
    const { companyId } = await createLocation(platform.db);
    const { email, password } = await createStaff(platform.db, companyId, 'receptionist');
    const browser = httpClient(platform.baseUrl);
    await browser.login(email, password);
    expect((await browser.request('/staff/leads')).status).toBe(200);
    await platform.db('role_permissions').insert({ company_id: companyId, role: 'receptionist', permission: 'lead_manager', allowed: false });
    expect((await browser.request('/staff/leads')).status).toBe(403);
    const jobs = await browser.page('/staff/jobs');
    expect(jobs.html).not.toContain('href="/staff/leads"');
    await platform.db('role_permissions').where({ company_id: companyId, role: 'receptionist' }).delete();
    expect((await browser.request('/staff/leads')).status).toBe(200);
    // A staff member made inactive is logged out at once.
    await platform.db('staff_users').where({ email }).update({ active: false });
    expect((await browser.request('/staff/jobs')).status).toBe(303);
  });
});
