import { describe, expect, it } from 'vitest';
import { expectHeading, htmxSettled, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createJob, createLocation, createStaff } from '../support/fixtures';

describe('browser: the customer page and its timeline (B2)', () => {
  const t = usePlatformAndBrowser();

  it('opens from the job page, loads older entries in place (htmx), and filters with the GET form', async () => {
    const { db, baseUrl } = t.platform;
    const { companyId, location } = await createLocation(db, { name: 'Garage Verloop' });
    const job = await createJob(db, location, '1-TIJ-001');
    const { customer_id: customerId } = await db('jobs').where({ id: job.id }).first('customer_id');
    // An older history than one page holds: 30 check-ins the customer completed, a day apart, before the job.
    await db('customer_events').insert(
      Array.from({ length: 30 }, (_, i) => ({
        customer_id: customerId,
        kind: 'checkin_completed',
        details: { accepted: [`Service ${i + 1}`] },
        at: new Date(Date.now() - (i + 1) * 86_400_000),
      })),
    );
    await db('sent_messages').insert({
      idempotency_key: `browser-${job.id}`, kind: 'checkin_link', recipient: '+32470000000', channel: 'sms', customer_id: customerId,
      status: 'failed', error: 'number refused', created_at: new Date(Date.now() - 45 * 86_400_000),
    });
    const receptionist = await createStaff(db, companyId, 'receptionist');

    const page = await (await t.browser.newContext()).newPage();
    await staffLogin(page, baseUrl, receptionist.email, receptionist.password);
    await expectHeading(page, 'Aftersales board');
    await page.goto(`${baseUrl}/staff/jobs/${job.job_number}?lang=en`);
    await expectHeading(page, `Job ${job.job_number}`);
    await page.getByRole('link', { name: 'Karel Janssens' }).click();
    await expectHeading(page, 'Customer: Karel Janssens');
    expect(new URL(page.url()).pathname).toBe(`/staff/customers/${customerId}`);
    await page.getByRole('cell', { name: '1-TIJ-001' }).waitFor();

    const timeline = page.getByRole('list', { name: 'Timeline' });
    const entries = timeline.getByTestId('timeline-entry');
    expect(await entries.count()).toBe(25);
    await expect.poll(() => entries.first().innerText()).toContain(`Job ${job.job_number} created`);
    const urlBefore = page.url();

    await timeline.getByRole('link', { name: 'Load older entries' }).click();
    await timeline.getByText('Nothing older.').waitFor();
    await htmxSettled(page);
    expect(await entries.count()).toBe(32); // the job, 30 check-ins, the message
    expect(page.url()).toBe(urlBefore); // swapped in place, not a new page
    expect(await timeline.getByRole('link', { name: 'Load older entries' }).count()).toBe(0);
    const last = entries.last();
    expect(await last.innerText()).toContain('Message to the customer');
    expect(await last.innerText()).toContain('number refused');
    const ids = await entries.evaluateAll((items) => items.map((item) => item.getAttribute('data-entry-id')));
    expect(new Set(ids).size).toBe(32);

    // The filter form: jobs only.
    await page.getByRole('checkbox', { name: 'Jobs' }).check();
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/type=jobs/);
    await expectHeading(page, 'Customer: Karel Janssens');
    await expect.poll(() => entries.count()).toBe(1);
    expect(await page.getByRole('checkbox', { name: 'Jobs' }).isChecked()).toBe(true);
    expect(await entries.first().innerText()).toContain(`Job ${job.job_number} created`);
  });
});
