import { describe, expect, it } from 'vitest';
import { advanceJob } from '../../clients/jobLifecycle';
import { expectHeading, htmxSettled, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createJob, createLocation, createStaff } from '../support/fixtures';

describe('browser: repair status by plate + job number (P5)', () => {
  const t = usePlatformAndBrowser({ LOOKUP_RATE_LIMIT: '5' });

  /** One look-up, answered and shown (a next one typed into the page being replaced would be lost). */
  async function lookUp(page: import('playwright-core').Page, plate: string, jobNumber: string) {
    await page.getByLabel('Registration plate').fill(plate);
    await page.getByLabel('Job number').fill(jobNumber);
    const answered = page.waitForResponse((response) => response.request().method() === 'POST' && response.url().includes('/lookup/'));
    await page.getByRole('button', { name: 'Next' }).click();
    await answered;
    await htmxSettled(page);
  }

  it('updates without reload when staff mark "vehicle in" in another browser, and shows the same on reload without JavaScript', async () => {
    const { companyId, location } = await createLocation(t.platform.db);
    const job = await createJob(t.platform.db, location, '1-LIV-001');
    const deps = { db: t.platform.db, temporal: t.platform.temporal, taskQueue: t.platform.config.TEMPORAL_TASK_QUEUE };
    await advanceJob(deps, job, { type: 'appointment', at: new Date().toISOString() });

    const customer = await t.browser.newContext();
    const page = await customer.newPage();
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}?lang=en`);
    await page.getByRole('link', { name: 'Follow my repair' }).click();
    await expectHeading(page, 'Follow my repair');
    await lookUp(page, '1 liv 001', job.job_number); // plates compare normalised
    await expectHeading(page, 'Status of your repair');
    expect(await page.locator('.timeline li.done').count()).toBe(1);
    // The event stream is open before staff act.
    await page.waitForFunction(() => document.querySelector('[sse-connect]') !== null && (window as any).htmx !== undefined);

    const { email, password } = await createStaff(t.platform.db, companyId, 'receptionist');
    const staff = await t.browser.newContext();
    const staffPage = await staff.newPage();
    await staffLogin(staffPage, t.platform.baseUrl, email, password);
    await expectHeading(staffPage, 'Aftersales board');
    await staffPage.goto(`${t.platform.baseUrl}/staff/jobs/${job.job_number}?lang=en`);
    await staffPage.getByRole('button', { name: 'Vehicle in' }).click();
    await staffPage.getByText('Vehicle marked in.').waitFor();

    await page.locator('.timeline li.done[data-step="vehicle_in"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('.timeline li.done').count()).toBe(2);

    const noScript = await t.browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${t.platform.baseUrl}/p/${location.slug}/lookup/status?lang=en`);
    await lookUp(plain, '1LIV001', job.job_number);
    await expectHeading(plain, 'Status of your repair');
    expect(await plain.locator('.timeline li.done').count()).toBe(2);
    await Promise.all([customer.close(), staff.close(), noScript.close()]);
  });

  it('answers a wrong pair like an unknown job, and refuses after too many failed tries', async () => {
    const { location } = await createLocation(t.platform.db);
    const job = await createJob(t.platform.db, location, '1-RAT-001');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}/lookup/status?lang=en`);

    await lookUp(page, '1-RAT-001', '999999');
    const unknown = await page.getByRole('alert').innerText();
    await lookUp(page, '9-XXX-999', job.job_number);
    const wrongPair = await page.getByRole('alert').innerText();
    expect(wrongPair).toBe(unknown);
    expect(unknown).toContain('We could not find a job with this registration plate and job number.');
    expect(await page.getByLabel('Registration plate').inputValue()).toBe('9-XXX-999');

    for (let attempt = 0; attempt < 3; attempt++) await lookUp(page, '1-RAT-001', `99999${attempt}`);
    // The limit (5 failures) is reached: even the right pair is refused for now.
    await lookUp(page, '1-RAT-001', job.job_number);
    await page.getByText(/Too many attempts\. Please try again in \d+ minutes/).waitFor();
    await context.close();
  });
});
