import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { advanceJob } from '../../clients/jobLifecycle';
import { jobStatusQuery, jobWorkflowId } from '../../workflows/jobLifecycle.contract';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createJob, createLocation, createStaff, uniqueEmail, uniquePlate } from '../support/fixtures';
import { jobAppointmentColumn } from '../../db/appointments';

describe('browser: staff create and edit jobs (D4), admin manages damage flow types and location settings (P4, P5)', () => {
  const t = usePlatformAndBrowser();

  async function loggedIn(companyId: number, role: Parameters<typeof createStaff>[2]): Promise<Page> {
    const { email, password } = await createStaff(t.platform.db, companyId, role);
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    return page;
  }
  const lifecycle = () => ({ db: t.platform.db, temporal: t.platform.temporal, taskQueue: t.platform.config.TEMPORAL_TASK_QUEUE });
  const jobRow = (jobNumber: string) =>
    t.platform.db('jobs').join('vehicles', 'vehicles.id', 'jobs.vehicle_id').where('jobs.job_number', jobNumber).first('jobs.*', 'vehicles.plate', 'vehicles.plate_normalized', 'vehicles.vin', jobAppointmentColumn(t.platform.db));

  it('a service advisor creates a job with planned dates: job page, jobs row from the workflow, D4 workflow answering its status', async () => {
    const { companyId } = await createLocation(t.platform.db);
    const email = uniqueEmail('desk');
    const [existing] = await t.platform.db('customers')
      .insert({ company_id: companyId, first_name: 'Old', last_name: 'Name', email: email.toUpperCase(), phone: '+32 470 00 00 00' })
      .returning('id');
    const plate = uniquePlate();
    const page = await loggedIn(companyId, 'service_advisor');

    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.getByRole('link', { name: 'New job' }).click();
    await expectHeading(page, 'New job');
    await page.getByLabel('First name').fill('Els');
    await page.getByLabel('Last name').fill('Peeters');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel("Customer's language").selectOption('nl');
    await page.getByLabel('Registration plate').fill(plate);
    await page.getByLabel('VIN').fill('wvwzzz1jz3w386752');
    await page.getByLabel('Make').fill('Volkswagen');
    await page.getByLabel('Model').fill('Golf');
    await page.getByLabel('Notes').fill('Rear bumper, left.');
    await page.getByLabel('Appointment').fill('2026-12-01T08:30');
    await page.getByLabel('Planned end').fill('2026-12-04T17:00');
    await page.getByRole('button', { name: 'Create job' }).click();

    await expectHeading(page, /^Job \d+$/);
    const jobNumber = /\/staff\/jobs\/(\d+)$/.exec(page.url())?.[1];
    expect(jobNumber).toBeDefined();
    const summary = await page.locator('main').innerText();
    expect(summary).toContain(plate);
    expect(summary).toContain('WVWZZZ1JZ3W386752');
    expect(summary).toContain('Classic repair (company default)');
    expect(summary).toContain('Rear bumper, left.');
    expect(await page.locator('.timeline li.done[data-step="appointment"]').count()).toBe(1);

    // The workflow wrote the row (08:30 and 17:00 in Brussels), and answers its status Query.
    const row = await jobRow(jobNumber!);
    expect(row).toMatchObject({ source: 'staff', step: 'appointment', damage_flow_type_id: null, notes: 'Rear bumper, left.', vin: 'WVWZZZ1JZ3W386752' });
    expect(row.appointment_at.toISOString()).toBe('2026-12-01T07:30:00.000Z');
    expect(row.planned_end_at.toISOString()).toBe('2026-12-04T16:00:00.000Z');
    const status = await t.platform.temporal.workflow.getHandle(jobWorkflowId(jobNumber!)).query(jobStatusQuery);
    expect(status).toMatchObject({
      step: 'appointment',
      dates: { appointment: '2026-12-01T07:30:00.000Z', planned_end: '2026-12-04T16:00:00.000Z' },
    });

    // Same e-mail at the same company (other case): the existing customer, and what the shop knew stays (B2; the job's edit form changes it).
    expect(row.customer_id).toBe(existing.id);
    const customer = await t.platform.db('customers').where({ id: existing.id }).first();
    expect(customer).toMatchObject({ first_name: 'Old', last_name: 'Name', language: 'en', phone: '+32 470 00 00 00' });
    await page.context().close();
  });

  it('a refused form keeps everything typed and names each wrong field; nothing is created', async () => {
    const { companyId } = await createLocation(t.platform.db);
    const page = await loggedIn(companyId, 'receptionist');
    const jobsBefore = await t.platform.db('jobs').where({ company_id: companyId }).count({ n: '*' }).first();

    await page.goto(`${t.platform.baseUrl}/staff/jobs/new`);
    await expectHeading(page, 'New job');
    await page.getByLabel('First name').fill('Jan');
    await page.getByLabel('Phone').fill('+32 9 123 45 67');
    await page.getByLabel('Registration plate').fill('1-VAL-001');
    await page.getByLabel('VIN').fill('WVWZZZ1JZ3W38675O');
    await page.getByLabel('Notes').fill('Keep me.');
    await page.getByLabel('Appointment').fill('2026-12-03T10:00');
    await page.getByLabel('Planned end').fill('2026-12-02T10:00');
    await page.getByRole('button', { name: 'Create job' }).click();

    await page.getByText('Please correct the fields marked below.').waitFor();
    expect(await page.locator('#last_name-error').innerText()).toBe('Please fill in this field.');
    expect(await page.locator('#vin-error').innerText()).toBe('A VIN has 17 letters and digits (without I, O or Q).');
    expect(await page.locator('#planned_end_at-error').innerText()).toBe('The planned end must be after the appointment.');
    expect(await page.getByLabel('Last name').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('First name').inputValue()).toBe('Jan');
    expect(await page.getByLabel('Phone').inputValue()).toBe('+32 9 123 45 67');
    expect(await page.getByLabel('Registration plate').inputValue()).toBe('1-VAL-001');
    expect(await page.getByLabel('VIN').inputValue()).toBe('WVWZZZ1JZ3W38675O');
    expect(await page.getByLabel('Notes').inputValue()).toBe('Keep me.');
    expect(await page.getByLabel('Appointment').inputValue()).toBe('2026-12-03T10:00');
    expect(await page.getByLabel('Planned end').inputValue()).toBe('2026-12-02T10:00');
    const jobsAfter = await t.platform.db('jobs').where({ company_id: companyId }).count({ n: '*' }).first();
    expect(jobsAfter).toEqual(jobsBefore);

    // In Dutch too, beside the field.
    await page.goto(`${t.platform.baseUrl}/staff/jobs/new?lang=nl`);
    await page.getByRole('button', { name: 'Dossier aanmaken' }).click();
    await page.locator('#plate-error').waitFor();
    expect(await page.locator('#plate-error').innerText()).toBe('Vul dit veld in.');
    expect(await page.locator('#email-error').innerText()).toBe('Vul een e-mailadres of een telefoonnummer in.');
    await page.context().close();
  });

  it('editing changes plate and flow type; a moved appointment once the vehicle is in is refused with its reason and the typed values stay', async () => {
    const { companyId, location } = await createLocation(t.platform.db);
    const job = await createJob(t.platform.db, location);
    const [express] = await t.platform.db('damage_flow_types').insert({ company_id: companyId, name: 'Express', daily_capacity: 2 }).returning('id');
    const page = await loggedIn(companyId, 'receptionist');

    await page.goto(`${t.platform.baseUrl}/staff/jobs/${job.job_number}`);
    await page.getByRole('link', { name: 'Edit job' }).click();
    await expectHeading(page, `Edit job ${job.job_number}`);
    expect(await page.getByLabel('Registration plate').inputValue()).toBe(job.plate);
    await page.getByLabel('Registration plate').fill('2-new-222');
    await page.getByLabel('Damage flow type').selectOption({ label: 'Express' });
    await page.getByLabel('Phone').fill('+32 9 222 22 22');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expectHeading(page, new RegExp(`^Job ${job.job_number}$`));
    const summary = await page.locator('main').innerText();
    expect(summary).toContain('2-new-222');
    expect(summary).toContain('Express');
    expect(summary).toContain('+32 9 222 22 22');
    expect(await jobRow(job.job_number)).toMatchObject({ plate: '2-new-222', plate_normalized: '2NEW222', damage_flow_type_id: express.id });

    // Appointment and vehicle in through the workflow; the appointment can no longer move.
    expect(await advanceJob(lifecycle(), job, { type: 'appointment', at: '2026-12-01T07:30:00.000Z' })).toMatchObject({ ok: true });
    expect(await advanceJob(lifecycle(), job, { type: 'vehicle_in', at: '2026-12-01T07:45:00.000Z' })).toMatchObject({ ok: true });
    await page.goto(`${t.platform.baseUrl}/staff/jobs/${job.job_number}/edit`);
    expect(await page.getByLabel('Appointment').inputValue()).toBe('2026-12-01T08:30');
    await page.getByLabel('Appointment').fill('2026-12-02T09:00');
    await page.getByLabel('Registration plate').fill('3-TYP-333');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('The vehicle is already in; the appointment can no longer change.').waitFor();
    expect(await page.getByLabel('Appointment').inputValue()).toBe('2026-12-02T09:00');
    expect(await page.getByLabel('Registration plate').inputValue()).toBe('3-TYP-333');
    const row = await jobRow(job.job_number);
    expect(row.plate).toBe('2-new-222');
    expect(row.appointment_at.toISOString()).toBe('2026-12-01T07:30:00.000Z');

    // A planned end may still be set from the form; the workflow records it.
    await page.getByLabel('Appointment').fill('2026-12-01T08:30');
    await page.getByLabel('Planned end').fill('2026-12-05T16:00');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expectHeading(page, new RegExp(`^Job ${job.job_number}$`));
    expect((await jobRow(job.job_number)).planned_end_at.toISOString()).toBe('2026-12-05T15:00:00.000Z');
    const status = await t.platform.temporal.workflow.getHandle(jobWorkflowId(job.job_number)).query(jobStatusQuery);
    expect(status).toMatchObject({ step: 'vehicle_in', dates: { planned_end: '2026-12-05T15:00:00.000Z' } });
    await page.context().close();
  });

  it('a mechanic sees jobs but may not create or edit them (403)', async () => {
    const { companyId, location } = await createLocation(t.platform.db);
    const job = await createJob(t.platform.db, location);
    const page = await loggedIn(companyId, 'mechanic');
    expect(await page.getByRole('link', { name: 'New job' }).count()).toBe(0);

    const form = await page.goto(`${t.platform.baseUrl}/staff/jobs/new`);
    expect(form?.status()).toBe(403);
    await page.getByText('You do not have permission to do this.').waitFor();
    expect((await page.goto(`${t.platform.baseUrl}/staff/jobs/${job.job_number}/edit`))?.status()).toBe(403);

    await page.goto(`${t.platform.baseUrl}/staff/jobs/${job.job_number}`);
    await expectHeading(page, new RegExp(`^Job ${job.job_number}$`));
    expect(await page.getByRole('link', { name: 'Edit job' }).count()).toBe(0);
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const forged = await page.request.post(`${t.platform.baseUrl}/staff/jobs`, {
      form: { _csrf: csrf, location_id: String(location.id), first_name: 'A', last_name: 'B', phone: '1', language: 'en', plate: 'X-1' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    const edit = await page.request.post(`${t.platform.baseUrl}/staff/jobs/${job.job_number}/edit`, {
      form: { _csrf: csrf, first_name: 'A', last_name: 'B', phone: '1', language: 'en', plate: 'X-1' },
      maxRedirects: 0,
    });
    expect(edit.status()).toBe(403);
    expect(Number((await t.platform.db('jobs').where({ company_id: companyId }).count({ n: '*' }).first())?.n)).toBe(1);
    await page.context().close();
  });

  it('an admin adds a damage flow type with its capacity, makes it the default, and cannot delete the default', async () => {
    const { companyId } = await createLocation(t.platform.db);
    const page = await loggedIn(companyId, 'admin');
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('link', { name: 'Damage flow types' }).click();
    await expectHeading(page, 'Damage flow types');

    await page.getByLabel('Name').fill('Express');
    await page.getByLabel('Repair appointments per day').fill('1001');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('#daily_capacity-error').waitFor();
    expect(await page.locator('#daily_capacity-error').innerText()).toBe('Please enter a whole number from 0 to 1000.');
    expect(await page.getByLabel('Name').inputValue()).toBe('Express');
    await page.getByLabel('Repair appointments per day').fill('7');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Damage flow type added.').waitFor();
    const expressRow = page.getByRole('row', { name: /Express/ });
    expect(await expressRow.locator('td').first().innerText()).toBe('7');

    // The same name again, other case, is refused.
    await page.getByLabel('Name').fill('express');
    await page.getByLabel('Repair appointments per day').fill('3');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('There is already a damage flow type with this name.').waitFor();

    await expressRow.getByRole('button', { name: 'Make default' }).click();
    await page.getByText('The default damage flow type has changed.').waitFor();
    const flows = await t.platform.db('damage_flow_types').where({ company_id: companyId }).orderBy('name');
    expect(flows.map((f) => [f.name, f.daily_capacity, f.is_default])).toEqual([
      ['Classic repair', 4, false],
      ['Express', 7, true],
    ]);
    expect(await page.getByRole('row', { name: /Express/ }).innerText()).toContain('Default');

    await page.getByRole('row', { name: /Express/ }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('"Express" is the default damage flow type and cannot be deleted. Make another one the default first.').waitFor();
    expect(Number((await t.platform.db('damage_flow_types').where({ company_id: companyId }).count({ n: '*' }).first())?.n)).toBe(2);

    // Capacity edited on its own page.
    await page.getByRole('row', { name: /Express/ }).getByRole('link', { name: 'Edit' }).click();
    await expectHeading(page, 'Damage flow type Express');
    await page.getByLabel('Repair appointments per day').fill('12');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Damage flow type saved.').waitFor();
    expect((await t.platform.db('damage_flow_types').where({ company_id: companyId, name: 'Express' }).first()).daily_capacity).toBe(12);

    // The former default, unused now, can go.
    await page.getByRole('row', { name: /Classic repair/ }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Damage flow type deleted.').waitFor();
    expect(await page.getByRole('row', { name: /Classic repair/ }).count()).toBe(0);
    await page.context().close();
  });

  it('"work started" per location setting changes the timeline; repair days and drop-off time are saved', async () => {
    const { companyId, location } = await createLocation(t.platform.db);
    const job = await createJob(t.platform.db, location);
    for (const type of ['appointment', 'vehicle_in', 'ready_for_start'] as const) {
      expect(await advanceJob(lifecycle(), job, { type, at: new Date().toISOString() })).toMatchObject({ ok: true });
    }
    const page = await loggedIn(companyId, 'admin');
    const workStarted = page.locator('.timeline li[data-step="work_started"]');
    await page.goto(`${t.platform.baseUrl}/staff/jobs/${job.job_number}`);
    expect(await workStarted.getAttribute('class')).toBe('done');

    await page.goto(`${t.platform.baseUrl}/staff/settings/locations/${location.id}`);
    await expectHeading(page, location.name);
    expect(await page.getByLabel('the job\'s "ready for start" date').isChecked()).toBe(true);
    await page.getByLabel('the moment the first work activity started').check();
    await page.getByLabel('Monday', { exact: true }).uncheck();
    await page.getByLabel('Saturday', { exact: true }).check();
    await page.getByLabel('Drop-off time').fill('07:30');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved.').waitFor();
    expect(await page.getByLabel('the moment the first work activity started').isChecked()).toBe(true);
    expect(await page.getByLabel('Drop-off time').inputValue()).toBe('07:30');
    const saved = await t.platform.db('locations').where({ id: location.id }).first();
    expect(saved).toMatchObject({ work_started_source: 'first_activity', repair_weekdays: [2, 3, 4, 5, 6], repair_dropoff_time: '07:30:00' });

    // Ready for start is recorded, no work activity yet: "work started" is not reached.
    await page.goto(`${t.platform.baseUrl}/staff/jobs/${job.job_number}`);
    expect(await workStarted.getAttribute('class')).toBe('todo');
    await page.getByRole('button', { name: 'First work activity started' }).click();
    await page.getByText('First work activity saved.').waitFor();
    expect(await workStarted.getAttribute('class')).toBe('done');

    // A wrong drop-off time is named, and the ticked days stay as typed.
    await page.goto(`${t.platform.baseUrl}/staff/settings/locations/${location.id}`);
    await page.getByLabel('Saturday', { exact: true }).uncheck();
    await page.getByLabel('Drop-off time').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#repair_dropoff_time-error').waitFor();
    expect(await page.getByLabel('Saturday', { exact: true }).isChecked()).toBe(false);
    expect(await page.getByLabel('Tuesday', { exact: true }).isChecked()).toBe(true);
    await page.context().close();
  });
});
