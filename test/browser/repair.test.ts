import { describe, expect, it } from 'vitest';
import { advanceJob } from '../../clients/jobLifecycle';
import { expectHeading, usePlatformAndBrowser } from '../support/browser';
import { createJob, createLocation } from '../support/fixtures';
import { confirmationLink, waitForMail } from '../support/mail';

describe('browser: a customer books the repair of their job (P4)', () => {
  const t = usePlatformAndBrowser();

  it('plate + job number → day → review → e-mail link → the job has its appointment, shown on the status page', async () => {
    const { location } = await createLocation(t.platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 5 });
    const job = await createJob(t.platform.db, location, '3-REP-001');
    const { email } = await t.platform.db('customers').join('jobs', 'jobs.customer_id', 'customers.id').where('jobs.id', job.id).first('customers.email');

    const context = await t.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}?lang=en`);
    await page.getByRole('link', { name: 'Book a repair' }).click();
    await expectHeading(page, 'Book a repair');
    await page.getByLabel('Registration plate').fill('3rep001');
    await page.getByLabel('Job number').fill(job.job_number);
    await page.getByRole('button', { name: 'Next' }).click();
    await expectHeading(page, 'Choose a day for your repair');

    // Next without a choice explains itself.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Please choose a day.').waitFor();
    const second = page.locator('input[name=slot]').nth(1);
    const chosenDay = await second.getAttribute('value');
    await second.check();
    await page.getByRole('button', { name: 'Next' }).click();
    await expectHeading(page, 'Check your request');
    // The link goes to the address the shop has; the page shows it masked.
    await page.getByText(`to ${email[0]}`).waitFor();
    expect(await page.locator('body').innerText()).not.toContain(email);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expectHeading(page, 'Check your e-mail');

    const mail = await waitForMail(email);
    expect(mail.text).toContain(`You asked to book the repair of vehicle 3-REP-001 (job ${job.job_number})`);
    await page.goto(confirmationLink(mail));
    await expectHeading(page, 'Confirm your appointment');
    expect(await t.platform.db('appointments').where({ job_id: job.id })).toHaveLength(0);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expectHeading(page, 'Your appointment is confirmed');
    expect(await page.getByTestId('job-number').innerText()).toBe(job.job_number);

    // One appointment model: the repair appointment is a row linked to its job and its booking.
    const [visit] = await t.platform.db('appointments').where({ job_id: job.id });
    expect(visit).toMatchObject({ kind: 'repair', status: 'planned' });
    expect(visit.booking_id).not.toBeNull();
    expect(visit.starts_at.toISOString()).toBe(chosenDay);

    // The status page shows the appointment step done.
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}/status/${job.job_number}?lang=en`);
    await expectHeading(page, 'Status of your repair');
    await page.locator('.timeline li.done[data-step="appointment"]').waitFor();

    // Booking again shows the current appointment, to change it.
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}/repair/${job.job_number}?lang=en`);
    await page.getByText('Your current appointment:').waitFor();
    await context.close();
  });

  it('explains that nothing can be booked once the vehicle is in', async () => {
    const { location } = await createLocation(t.platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7] });
    const job = await createJob(t.platform.db, location, '3-REP-002');
    const deps = { db: t.platform.db, temporal: t.platform.temporal, taskQueue: t.platform.config.TEMPORAL_TASK_QUEUE };
    await advanceJob(deps, job, { type: 'appointment', at: new Date().toISOString() });
    await advanceJob(deps, job, { type: 'vehicle_in', at: new Date().toISOString() });

    const context = await t.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}/lookup/repair?lang=en&job=${job.job_number}`);
    expect(await page.getByLabel('Job number').inputValue()).toBe(job.job_number);
    await page.getByLabel('Registration plate').fill('3-REP-002');
    await page.getByRole('button', { name: 'Next' }).click();
    await expectHeading(page, 'No appointment can be booked online');
    await page.getByText('Your vehicle is already with Test Body Shop').waitFor();
    await context.close();
  });
});
