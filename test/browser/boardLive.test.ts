import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { phoneColumns } from '../../db/customers';
import { normalizePlate } from '../../lib/plates';
import { expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createLocation, createStaff, uniqueEmail, uniquePlate } from '../support/fixtures';
import type { Platform } from '../support/platform';
import { waitUntil } from '../support/wait';

/** A service visit of now (a card of today's board), with customer and master vehicle. */
async function visit(platform: Platform, companyId: number, locationId: number, firstName: string, minutesFromNow = 0) {
  const db = platform.db;
  const email = uniqueEmail('live');
  const plate = uniquePlate();
  const [customer] = await db('customers').insert({ company_id: companyId, first_name: firstName, last_name: 'Live', email, ...phoneColumns('+32 470 55 55 55') }).returning('id');
  const [vehicle] = await db('vehicles')
    .insert({ company_id: companyId, customer_id: customer.id, plate, plate_normalized: normalizePlate(plate), make: 'Skoda', model: 'Octavia' })
    .returning('id');
  const startsAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 + minutesFromNow * 60_000);
  const [{ id }] = await db('appointments')
    .insert({
      company_id: companyId,
      location_id: locationId,
      kind: 'service',
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + 3_600_000),
      customer_id: customer.id,
      vehicle_id: vehicle.id,
      first_name: firstName,
      last_name: 'Live',
      email,
      phone: '+32 470 55 55 55',
      work_description: 'Brake pads',
    })
    .returning('id');
  return id as number;
}

const card = (page: Page, column: string, id: number) => page.locator(`ol.cards[data-column="${column}"] #card-${id}`);

/** Waits until the board's event stream is open (board.js marks the board live and hides the offline notice). */
async function boardLive(page: Page) {
  await page.waitForFunction(() => document.getElementById('board')?.dataset.live === 'on' && !document.getElementById('board')?.classList.contains('offline'));
}

/** Drags a card onto another column with the mouse (SortableJS, pointer events). */
async function drag(page: Page, id: number, column: string) {
  const from = page.locator(`#card-${id} .card-when`);
  const to = page.locator(`ol.cards[data-column="${column}"]`);
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + Math.min(b.height - 5, 30), { steps: 15 });
  await page.mouse.up();
}

async function moveTo(page: Page, id: number, column: string) {
  const control = page.locator(`#card-${id} form.move-to`);
  await control.locator('select').selectOption(column);
  await control.getByRole('button').click();
}

/**
 * Move to… chosen and submitted in one step of the page's own script.
 * "At the same moment" with moveTo's separate choose and click left a
 * loaded machine (the clean-clone CI run) time for the first move's live
 * update to reach the other board before its click, which then moved the
 * card on from where it now was: a plain move, no conflict to name.
 */
async function submitMoveTo(page: Page, id: number, column: string) {
  await page.locator(`#card-${id} form.move-to`).evaluate((form: HTMLFormElement, to) => {
    form.querySelector('select')!.value = to;
    form.requestSubmit(form.querySelector<HTMLButtonElement>('button') ?? undefined);
  }, column);
}

describe('browser: the live board across two web replicas (W3)', () => {
  const t = usePlatformAndBrowser();

  it('a drag on one board appears on the other, a keyboard move too; two moves at once end in one state with the conflict named; a cut-off board says so and catches up', async () => {
    const { db, baseUrl } = t.platform;
    const replica = await t.platform.startWebReplica();
    const { companyId, location } = await createLocation(db);
    const first = await visit(t.platform, companyId, location.id, 'Anna', 0);
    const second = await visit(t.platform, companyId, location.id, 'Bram', 30);
    const jan = await createStaff(db, companyId, 'service_advisor');
    const mia = await createStaff(db, companyId, 'receptionist');

    // Jan on one web process, Mia on another: only PostgreSQL connects them.
    const janPage = await (await t.browser.newContext()).newPage();
    const miaPage = await (await t.browser.newContext()).newPage();
    await staffLogin(janPage, baseUrl, jan.email, jan.password);
    await staffLogin(miaPage, replica.baseUrl, mia.email, mia.password);
    await Promise.all([expectHeading(janPage, 'Aftersales board'), expectHeading(miaPage, 'Aftersales board')]);
    await Promise.all([boardLive(janPage), boardLive(miaPage)]);

    // 1. Jan drags Anna's card to In service: it gets its job, and Mia's board shows it without a reload.
    const miaNavigations: string[] = [];
    miaPage.on('framenavigated', (frame) => frame === miaPage.mainFrame() && miaNavigations.push(frame.url()));
    await drag(janPage, first, 'in_service');
    await card(janPage, 'in_service', first).waitFor();
    await card(miaPage, 'in_service', first).waitFor({ timeout: 5_000 });
    const job = await db('appointments').join('jobs', 'jobs.id', 'appointments.job_id').where('appointments.id', first).first('jobs.step');
    expect(job).toEqual({ step: 'vehicle_in' });

    // 2. Mia moves Bram's card by keyboard (Move to…): a small POST, no page load, and Jan sees it.
    await miaPage.locator(`#card-${second} form.move-to select`).selectOption('in_service');
    await miaPage.locator(`#card-${second} form.move-to select`).focus();
    await miaPage.keyboard.press('Tab');
    await miaPage.keyboard.press('Enter');
    await card(miaPage, 'in_service', second).waitFor();
    await card(janPage, 'in_service', second).waitFor({ timeout: 5_000 });
    expect(miaNavigations).toEqual([]);

    // 3. Both move Anna's card at the same moment, from In service: one wins, the other is told who moved it where.
    //    Jan's request is held until Mia's has left her browser: on a loaded machine Jan's live update could
    //    otherwise reach Mia's board first, and her move would go on from where the card then was (no conflict).
    const miaSent = miaPage.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith(`/staff/board/cards/${first}/move`));
    await janPage.route(`**/staff/board/cards/${first}/move`, async (route) => {
      await miaSent;
      await route.continue();
    });
    await Promise.all([submitMoveTo(janPage, first, 'ready'), submitMoveTo(miaPage, first, 'waiting_customer')]);
    await miaSent;
    await janPage.unroute(`**/staff/board/cards/${first}/move`);
    const conflict = /Moved to (Ready|Waiting for customer) by Test (service_advisor|receptionist)/;
    await waitUntil('the conflict named on one board', async () => conflict.test((await janPage.locator('body').innerText()) + (await miaPage.locator('body').innerText())));
    await waitUntil('both boards in one state', async () => {
      const [a, b] = await Promise.all([
        janPage.locator(`#card-${first}`).getAttribute('data-column'),
        miaPage.locator(`#card-${first}`).getAttribute('data-column'),
      ]);
      return a === b && (a === 'ready' || a === 'waiting_customer');
    });
    // The winner's live update has reached both boards and replaced the card there: the loser is still told (above the board).
    expect((await janPage.locator('#board-messages').innerText()) + (await miaPage.locator('#board-messages').innerText())).toMatch(conflict);
    const shown = await janPage.locator(`#card-${first}`).getAttribute('data-column');
    const step = (await db('jobs').join('appointments', 'appointments.job_id', 'jobs.id').where('appointments.id', first).first('jobs.step')).step;
    expect({ ready: 'finished', waiting_customer: 'waiting_customer' }[shown!]).toBe(step);

    // 4. Mia's connection is cut and stays down for a while: her board says it is offline; Jan moves a card
    //    meanwhile; once back, Mia's board catches up on the move it missed (Last-Event-ID replay).
    await miaPage.route('**/staff/board/events**', (route) => route.abort());
    replica.dropConnections();
    await miaPage.locator('#board-connection').waitFor({ state: 'visible' });
    expect(await miaPage.locator('#board-connection').innerText()).toContain('Offline');
    await moveTo(janPage, second, 'waiting_customer');
    await card(janPage, 'waiting_customer', second).waitFor();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await card(miaPage, 'in_service', second).count()).toBe(1); // stale while offline, and it says so
    await miaPage.unroute('**/staff/board/events**');
    await card(miaPage, 'waiting_customer', second).waitFor({ timeout: 10_000 });
    await miaPage.locator('#board-connection').waitFor({ state: 'hidden' });
  });
});
