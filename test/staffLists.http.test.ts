import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocation, createStaff } from './support/fixtures';
import { httpClient, visibleText } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';
import { insertJobs, insertLeads } from './support/staffLists';

const decode = (href: string) => href.replace(/&amp;/g, '&');
const linkOf = (html: string, testId: string) => {
  const match = new RegExp(`<a [^>]*href="([^"]+)"[^>]*data-testid="${testId}"`).exec(html);
  return match ? decode(match[1]!) : undefined;
};

/** Issue 14: the staff lists page by keyset, 50 rows a page, with links that work without JavaScript and keep the filters. */
describe('jobs list and lead manager pages', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  it('the jobs list shows 50 jobs a page, newest first; "Older jobs" keeps the search and shows the next ones, none twice, none skipped', async () => {
    const { companyId, location } = await createLocation(platform.db);
    await insertJobs(platform.db, location, 60, 'Pagina');
    await insertJobs(platform.db, location, 5, 'Other');
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    const browser = httpClient(platform.baseUrl);
    await browser.login(email, password);

    const first = await browser.page('/staff/jobs?q=Pagina&lang=en');
    // Jobs 10 and 11 share their creation time: the id decides between them, so compare the numbers in order.
    const plates = (html: string) => [...html.matchAll(/<span class="plate">PA-(\d+)<\/span>/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(plates(first.html)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(linkOf(first.html, 'jobs-newest')).toBeUndefined();
    const older = linkOf(first.html, 'jobs-older')!;
    expect(older).toMatch(/^\/staff\/jobs\?q=Pagina&before=/);

    const second = await browser.page(older);
    expect(second.status).toBe(200);
    expect(plates(second.html)).toEqual([51, 52, 53, 54, 55, 56, 57, 58, 59, 60]);
    expect(second.html).toContain('value="Pagina"');
    expect(linkOf(second.html, 'jobs-older')).toBeUndefined();
    expect(linkOf(second.html, 'jobs-newest')).toBe('/staff/jobs?q=Pagina');
    expect(visibleText(second.html)).not.toContain('Other');

    // A cursor that is no cursor shows the first page.
    expect(plates((await browser.page('/staff/jobs?q=Pagina&before=nonsense')).html)).toHaveLength(50);
  });

  it('the lead manager shows 50 leads a page; "Older leads" keeps status, location and search, its refresh polls that page', async () => {
    const { companyId, location } = await createLocation(platform.db);
    await insertLeads(platform.db, location, 70, 'Pager');
    await insertLeads(platform.db, location, 5, 'Pager', 'rejected');
    const { email, password } = await createStaff(platform.db, companyId, 'service_advisor');
    const browser = httpClient(platform.baseUrl);
    await browser.login(email, password);

    const leadNumbers = (html: string) => [...html.matchAll(/Pager Lead(\d+)</g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    const first = await browser.page(`/staff/leads?status=new&location=${location.id}&q=pager&lang=en`);
    expect(leadNumbers(first.html)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const older = linkOf(first.html, 'leads-older')!;
    expect(older).toMatch(new RegExp(`^/staff/leads\\?status=new&location=${location.id}&q=pager&before=`));

    const second = await browser.page(older);
    expect(leadNumbers(second.html)).toEqual(Array.from({ length: 20 }, (_, i) => i + 51));
    expect(second.html).toMatch(/<option value="new" selected>/);
    expect(second.html).toContain('value="pager"');
    expect(linkOf(second.html, 'leads-newest')).toBe(`/staff/leads?status=new&location=${location.id}&q=pager`);
    const cursor = new URL(older, platform.baseUrl).searchParams.get('before')!;
    expect(second.html).toContain(`hx-get="/staff/leads?before=${cursor}"`);

    // All statuses: the five rejected ones too, so 75 in two pages.
    const all = await browser.page(`/staff/leads?status=all&q=pager`);
    const allSecond = await browser.page(linkOf(all.html, 'leads-older')!);
    expect(leadNumbers(all.html).length + leadNumbers(allSecond.html).length).toBe(75);
  });
});
