import { describe, expect, it } from 'vitest';
import { phoneColumns } from '../../db/customers';
import { addDmsSource } from '../../db/dmsSources';
import { expectHeading, htmxSettled, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff, uniqueEmail } from '../support/fixtures';

describe('browser: P9 the car icon of a job looks the vehicle up in the master (DMS datastore)', () => {
  const t = usePlatformAndBrowser();

  it('typed plate and another make: the panel shows both; Fill in keeps the typed make and fills the rest; Overwrite replaces it; the saved job points at that vehicle and customer', async () => {
    const { companyId } = await createLocation(t.platform.db);
    const source = await addDmsSource(t.platform.db, companyId, 'Autoline');
    const email = uniqueEmail('dms');
    const [owner] = await t.platform.db('customers')
      .insert({ company_id: companyId, first_name: 'An', last_name: 'Peeters', email, ...phoneColumns('+32 470 12 34 56'), street: 'Kerkstraat 1', postal_code: '9000', city: 'Gent' })
      .returning('id');
    const plate = `1-DMS-${String(companyId).padStart(3, '0').slice(-3)}`;
    const [vehicle] = await t.platform.db('vehicles')
      .insert({ company_id: companyId, customer_id: owner.id, plate, plate_normalized: plate.replace(/-/g, ''), vin: 'WVWZZZ1JZ3W386752', make: 'Volkswagen', model: 'Golf', first_registration: '2019-03-15', mileage_km: 84500 })
      .returning('id');
    await t.platform.db('customer_dms_ids').insert({ source_id: source, dms_id: 'K100', customer_id: owner.id });
    await t.platform.db('vehicle_dms_ids').insert({ source_id: source, dms_id: 'V100', vehicle_id: vehicle.id });

    const { email: login, password } = await createStaff(t.platform.db, companyId, 'service_advisor');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, login, password);
    await expectHeading(page, 'Aftersales board');
    await page.goto(`${t.platform.baseUrl}/staff/jobs/new?lang=en`);
    await expectHeading(page, 'New job');
    await page.getByLabel('Registration plate').fill(plate.toLowerCase().replace(/-/g, ' '));
    await page.getByLabel('Make').fill('Audi');
    const plateField = page.locator('.field').filter({ has: page.getByLabel('Registration plate') });
    const carIcon = plateField.getByRole('button', { name: 'Look up vehicle' });
    await expect(carIcon.getAttribute('title')).resolves.toBe('Look up vehicle');
    await carIcon.click();

    const panel = page.getByRole('region', { name: 'Vehicle master' });
    await panel.waitFor();
    await htmxSettled(page);
    await expect(panel.locator('[data-field="mileage"]').innerText()).resolves.toBe('84500 km');
    await expect(panel.locator('[data-field="first_registration"]').innerText()).resolves.toBe('2019-03-15');
    await expect(panel.locator('[data-field="source"]').innerText()).resolves.toBe('Autoline (no. V100)');
    await expect(panel.locator('[data-field="customer"]').innerText()).resolves.toBe('An Peeters');
    await expect(panel.locator('[data-list="differs"] li').allInnerTexts()).resolves.toEqual(['Make: typed Audi, the master says Volkswagen']);
    await expect(panel.locator('[data-list="fill"] li[data-field="model"]').innerText()).resolves.toBe('Model: Golf');
    // What was typed is still in the form (swapped in place, nothing saved).
    await expect(page.getByLabel('Make').inputValue()).resolves.toBe('Audi');
    expect(await t.platform.db('jobs').where({ company_id: companyId }).first()).toBeUndefined();

    await panel.getByRole('button', { name: 'Fill in' }).click();
    await page.getByText('Filled in from the vehicle master.').waitFor();
    await htmxSettled(page);
    await expect(page.getByLabel('Make').inputValue()).resolves.toBe('Audi');
    await expect(page.getByLabel('Model').inputValue()).resolves.toBe('Golf');
    await expect(page.getByLabel('VIN').inputValue()).resolves.toBe('WVWZZZ1JZ3W386752');
    await expect(page.getByLabel('First name').inputValue()).resolves.toBe('An');
    await expect(page.getByLabel('E-mail').inputValue()).resolves.toBe(email);

    // The VIN's icon finds the same vehicle; only the make differs now, so only Overwrite is offered.
    await page.locator('.field').filter({ has: page.getByLabel('VIN') }).getByRole('button', { name: 'Look up vehicle' }).click();
    await panel.waitFor();
    await htmxSettled(page);
    await expect(panel.getByRole('button', { name: 'Fill in' }).count()).resolves.toBe(0);
    await panel.getByRole('button', { name: 'Overwrite what I typed' }).click();
    await page.getByText('Filled in from the vehicle master.').waitFor();
    await htmxSettled(page);
    await expect(page.getByLabel('Make').inputValue()).resolves.toBe('Volkswagen');

    await page.getByRole('button', { name: 'Create job' }).click();
    await page.waitForURL(/\/staff\/jobs\/\d+$/);
    const job = await t.platform.db('jobs').where({ company_id: companyId }).first();
    expect(job).toMatchObject({ vehicle_id: vehicle.id, customer_id: owner.id });
    expect(await t.platform.db('vehicles').where({ id: vehicle.id }).first()).toMatchObject({ make: 'Volkswagen', model: 'Golf' });
    await context.close();
  });

  it('a plate the master does not know: the message, and the form as typed', async () => {
    const { companyId } = await createLocation(t.platform.db);
    const { email, password } = await createStaff(t.platform.db, companyId, 'receptionist');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    await page.goto(`${t.platform.baseUrl}/staff/jobs/new?lang=en`);
    await page.getByLabel('Registration plate').fill('9-NOT-999');
    await page.getByLabel('First name').fill('Jan');
    await page.locator('.field').filter({ has: page.getByLabel('Registration plate') }).getByRole('button', { name: 'Look up vehicle' }).click();
    await page.getByText('Not in the vehicle master: nothing is filled in.').waitFor();
    await expect(page.getByLabel('First name').inputValue()).resolves.toBe('Jan');
    await expect(page.getByLabel('Registration plate').inputValue()).resolves.toBe('9-NOT-999');
    await context.close();
  });
});
