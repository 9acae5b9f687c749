import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { phoneColumns } from '../../db/customers';
import { normalizePlate } from '../../lib/plates';
import { expectHeading, htmxSettled, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff, uniqueEmail, uniquePlate } from '../support/fixtures';
import type { Platform } from '../support/platform';
import { waitUntil } from '../support/wait';

/** A service appointment of now (today on the board) with a customer and a master vehicle. */
async function appointment(platform: Platform, companyId: number, locationId: number, name: [string, string], work = 'Oil service') {
  const db = platform.db;
  const email = uniqueEmail('board');
  const plate = uniquePlate();
  const [customer] = await db('customers').insert({ company_id: companyId, first_name: name[0], last_name: name[1], email, ...phoneColumns('+32 470 12 12 12') }).returning('id');
  const [vehicle] = await db('vehicles').insert({ company_id: companyId, customer_id: customer.id, plate, plate_normalized: normalizePlate(plate), make: 'Mazda', model: 'CX-5' }).returning('id');
  const startsAt = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const [{ id }] = await db('appointments')
    .insert({
      company_id: companyId, location_id: locationId, kind: 'service', starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 3_600_000),
      customer_id: customer.id, vehicle_id: vehicle.id, first_name: name[0], last_name: name[1], email, phone: '+32 470 12 12 12', work_description: work,
    })
    .returning('id');
  return { id: id as number, customerId: customer.id as number, plate };
}

const column = (page: Page, name: string) => page.locator(`section.board-column[data-column="${name}"]`);

describe('browser: the aftersales board (W3, W7, W8, W9)', () => {
  const t = usePlatformAndBrowser();

  it('opens after login with the day’s card, moves it by keyboard with Move to…, and sets its colour label', async () => {
    const { companyId, location } = await createLocation(t.platform.db);
    const card = await appointment(t.platform, companyId, location.id, ['Els', 'Verbeke'], 'Air-co check');
    await t.platform.db('appointment_comments').insert({ appointment_id: card.id, body: 'Spare key in the glovebox.' });
    await t.platform.db('conversations').insert({
      company_id: companyId, customer_id: card.customerId, channel: 'whatsapp', address: '+32470121212',
      last_inbound_at: new Date(Date.now() - 60 * 60_000), last_outbound_at: new Date(Date.now() - 2 * 60 * 60_000),
    });
    const { email, password } = await createStaff(t.platform.db, companyId, 'service_advisor');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    expect(new URL(page.url()).pathname).toBe('/staff/board');
    for (const name of ['New', 'In service', 'Waiting for customer', 'Ready', 'Completed']) await expectHeading(page, new RegExp(`^${name}`));

    const inNew = column(page, 'new').locator(`#card-${card.id}`);
    await inNew.waitFor();
    const text = await inNew.innerText();
    for (const shown of ['Els Verbeke', card.plate, 'Mazda CX-5', 'Air-co check', 'New message from the customer', 'WhatsApp open until']) expect(text).toContain(shown);
    await inNew.getByRole('img', { name: 'Has internal comments' }).waitFor();

    // W3 / WCAG 2.5.7: no dragging needed — the Move-to control, by keyboard only.
    await inNew.getByLabel('Move to…').focus();
    expect(await inNew.getByLabel('Move to…').inputValue()).toBe('in_service'); // the next column first
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await column(page, 'in_service').locator(`#card-${card.id}`).waitFor();
    await page.getByRole('status').getByText('Els Verbeke moved to In service.').waitFor();
    expect(await column(page, 'new').locator(`#card-${card.id}`).count()).toBe(0);
    const jobNumber = await waitUntil('the card’s job', async () => (await t.platform.db('appointments').join('jobs', 'jobs.id', 'appointments.job_id').where('appointments.id', card.id).first('jobs.job_number'))?.job_number);
    expect(await column(page, 'in_service').locator(`#card-${card.id}`).innerText()).toContain(`Job ${jobNumber}`);

    // W7: the colour picker (htmx posts it on change and swaps the card).
    const moved = column(page, 'in_service').locator(`#card-${card.id}`);
    await moved.getByText('Colour', { exact: true }).click();
    await moved.getByLabel('Colour label').selectOption('green');
    await column(page, 'in_service').locator(`#card-${card.id}[data-color="green"]`).waitFor();
    await htmxSettled(page);
    expect(await column(page, 'in_service').locator(`#card-${card.id} .color-label`).innerText()).toBe('Green');
    expect((await t.platform.db('appointments').where({ id: card.id }).first('color')).color).toBe('green');

    // W9 and W2: the list of all appointments and a new one, a click away; and back.
    await page.getByRole('link', { name: 'All appointments' }).click();
    await expectHeading(page, 'Appointments');
    await page.getByRole('link', { name: 'Back to the board' }).click();
    await expectHeading(page, 'Aftersales board');
    expect(await page.getByRole('link', { name: 'New appointment' }).getAttribute('href')).toMatch(/^\/staff\/appointments\/new\?date=\d{4}-\d{2}-\d{2}$/);
    await context.close();
  });

  it('the location filter is remembered after logging out and in again (W8); Settings gathers the admin pages', async () => {
    const { companyId, location } = await createLocation(t.platform.db, { name: 'Garage Gent' });
    const { location: other } = await createLocation(t.platform.db, { companyId, name: 'Garage Brugge' });
    const ghent = await appointment(t.platform, companyId, location.id, ['Wim', 'Gent']);
    const bruges = await appointment(t.platform, companyId, other.id, ['Sara', 'Brugge']);
    const { email, password } = await createStaff(t.platform.db, companyId, 'admin');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    await page.locator(`#card-${ghent.id}`).waitFor();
    await page.locator(`#card-${bruges.id}`).waitFor();

    await page.getByRole('checkbox', { name: 'Garage Gent' }).uncheck();
    await page.getByRole('button', { name: 'Show these locations' }).click();
    await waitUntil('the Ghent card gone', async () => (await page.locator(`#card-${ghent.id}`).count()) === 0);
    await page.locator(`#card-${bruges.id}`).waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await expectHeading(page, 'Staff login');
    await staffLogin(page, t.platform.baseUrl, email, password);
    await expectHeading(page, 'Aftersales board');
    await page.locator(`#card-${bruges.id}`).waitFor();
    expect(await page.locator(`#card-${ghent.id}`).count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: 'Garage Gent' }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'Garage Brugge' }).isChecked()).toBe(true);

    // Daily work in the navigation, the admin pages under Settings.
    const nav = page.getByRole('navigation', { name: 'Staff menu' });
    for (const name of ['Board', 'Appointments', 'Jobs', 'Leads', 'Vehicles on site', 'Settings']) await nav.getByRole('link', { name, exact: true }).waitFor();
    expect(await nav.getByRole('link', { name: 'Message texts' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Settings', exact: true }).click();
    await expectHeading(page, 'Settings');
    for (const name of ['Workshop', 'Online booking', 'Messages to customers']) await expectHeading(page, name);
    await page.getByRole('link', { name: 'Message texts' }).click();
    await expectHeading(page, 'Message texts');
    await context.close();
  });
});
