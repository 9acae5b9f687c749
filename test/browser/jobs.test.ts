import { describe, expect, it } from 'vitest';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createJob, createLocation, createStaff } from '../support/fixtures';
import { jobAppointmentColumn } from '../../db/appointments';

describe('browser: staff move a job through its lifecycle (D4, P8)', () => {
  const t = usePlatformAndBrowser();

  it('records each step, refuses one out of order with its reason, and keeps the on-site list right', async () => {
    const { companyId, location } = await createLocation(t.platform.db);
    const job = await createJob(t.platform.db, location, '1-LIF-001');
    const { email, password } = await createStaff(t.platform.db, companyId, 'mechanic');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    await page.goto(`${t.platform.baseUrl}/staff/jobs/${job.job_number}?lang=en`);
    await expectHeading(page, `Job ${job.job_number}`);

    // Only what the order allows is offered; the server refuses the rest anyway.
    expect(await page.getByRole('button', { name: 'Vehicle in' }).count()).toBe(0);
    const forged = await page.request.post(`${t.platform.baseUrl}/staff/jobs/${job.job_number}/steps`, {
      form: { _csrf: await page.locator('input[name=_csrf]').first().inputValue(), type: 'vehicle_in', at: '2026-12-01T09:00' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(409);
    expect(await forged.text()).toContain('The vehicle cannot come in before the job has an appointment.');

    await page.getByLabel('Date and time').fill('2026-12-01T08:30');
    await page.getByRole('button', { name: 'Set appointment' }).click();
    await page.getByText('Appointment saved.').waitFor();
    await page.getByRole('button', { name: 'Vehicle in' }).click();
    await page.getByText('Vehicle marked in.').waitFor();
    expect(await page.locator('.timeline li.done').count()).toBe(2);

    await page.getByRole('link', { name: 'Vehicles on site' }).click();
    await expectHeading(page, 'Vehicles on site');
    expect(await page.locator('tbody').innerText()).toContain('1-LIF-001');

    await page.goto(`${t.platform.baseUrl}/staff/jobs/${job.job_number}`);
    await page.getByRole('button', { name: 'Ready for start' }).click();
    await page.getByText('Ready for start saved.').waitFor();
    await page.getByRole('button', { name: 'Vehicle finished' }).click();
    await page.getByText('Vehicle marked finished.').waitFor();
    await page.getByRole('button', { name: 'Picked up (off site)' }).click();
    await page.getByText('Vehicle picked up; it is no longer on site.').waitFor();
    expect(await page.locator('.timeline li.done').count()).toBe(5);
    expect(await page.locator('.step-buttons button').count()).toBe(0);

    await page.goto(`${t.platform.baseUrl}/staff/on-site`);
    expect(await page.locator('tbody').innerText()).not.toContain('1-LIF-001');
    const row = await t.platform.db('jobs').where({ id: job.id }).first('jobs.*', jobAppointmentColumn(t.platform.db));
    expect(row).toMatchObject({ step: 'picked_up', on_site: false });
    expect(row.appointment_at.toISOString()).toBe('2026-12-01T07:30:00.000Z'); // 08:30 in Brussels
    await context.close();
  });
});
