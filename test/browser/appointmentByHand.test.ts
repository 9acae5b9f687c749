import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { checkinWorkflowId } from '../../workflows/checkIn.contract';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff, uniqueEmail } from '../support/fixtures';
import { waitUntil } from '../support/wait';

describe('browser: staff add an appointment by hand (one appointment model, W2)', () => {
  const t = usePlatformAndBrowser();

  it('only the time is required; a typed customer and vehicle join the one customer file; the appointment starts its check-in and shows in the overview', async () => {
    const { db, baseUrl, temporal } = t.platform;
    const { companyId } = await createLocation(db, { name: 'Garage Handmatig' });
    const advisor = await createStaff(db, companyId, 'service_advisor');
    const email = uniqueEmail('byhand');
    const [known] = await db('customers').insert({ company_id: companyId, first_name: 'Lien', last_name: 'Wouters', email, phone: '', language: 'nl' }).returning('id');

    const page = await (await t.browser.newContext()).newPage();
    await staffLogin(page, baseUrl, advisor.email, advisor.password);
    await expectHeading(page, 'Aftersales board');
    await page.goto(`${baseUrl}/staff/appointments`);
    await page.getByRole('link', { name: 'New appointment' }).click();
    await expectHeading(page, 'New appointment');

    // Refused without a time: the typed values stay, the field says why.
    await page.getByLabel('Last name').fill('Wouters');
    await page.getByLabel('E-mail').fill(email.toUpperCase());
    await page.getByLabel('Phone').fill('0470 12 34 99');
    await page.getByLabel('Registration plate').fill('1-hnd-001');
    await page.getByRole('button', { name: 'Create appointment' }).click();
    await expectHeading(page, 'New appointment');
    await page.getByText('Please enter a date and time.').waitFor();
    expect(await page.getByLabel('E-mail').inputValue()).toBe(email.toUpperCase());
    expect(await page.getByLabel('Registration plate').inputValue()).toBe('1-hnd-001');
    expect(await db('appointments').where({ company_id: companyId }).count({ n: '*' }).first()).toEqual({ n: 0 });

    const day = DateTime.now().setZone('Europe/Brussels').plus({ days: 2 }).set({ hour: 9, minute: 30, second: 0, millisecond: 0 });
    await page.getByLabel('Start').fill(day.toFormat("yyyy-LL-dd'T'HH:mm"));
    await page.getByRole('button', { name: 'Create appointment' }).click();
    await page.getByText('Appointment created.').waitFor();
    expect(await page.locator('dl.summary').innerText()).toContain('Service');

    // The known customer (e-mail in another case), the blank phone filled, the vehicle in the master.
    const row = await db('appointments').where({ company_id: companyId }).first();
    expect(row).toMatchObject({ kind: 'service', status: 'planned', customer_id: known.id, job_id: null });
    expect(row.starts_at.toISOString()).toBe(day.toUTC().toISO({ suppressMilliseconds: false }));
    expect(await db('customers').where({ company_id: companyId }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await db('customers').where({ id: known.id }).first('phone', 'first_name')).toEqual({ phone: '0470 12 34 99', first_name: 'Lien' });
    expect(await db('vehicles').where({ id: row.vehicle_id }).first('company_id', 'customer_id', 'plate_normalized')).toEqual({ company_id: companyId, customer_id: known.id, plate_normalized: '1HND001' });

    // D2: its check-in workflow runs (the link goes at once: less than three days ahead).
    await waitUntil('the check-in workflow', async () => ((await temporal.workflow.getHandle(checkinWorkflowId(row.id)).describe()).status.name ? true : undefined));
    await waitUntil('the check-in link', async () => (await db('sent_messages').where({ appointment_id: row.id, kind: 'checkin_link' }).first()) ?? undefined);

    await page.goto(`${baseUrl}/staff/appointments`);
    const overview = page.locator('#appointments');
    expect(await overview.innerText()).toContain('1-hnd-001');
    expect(await overview.innerText()).toContain('Service');
  });
});
