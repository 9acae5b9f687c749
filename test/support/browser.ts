import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { startPlatform, type Platform } from './platform';

/** The run's one Chromium (started in globalSetup); each test opens its own context. */
export function connectBrowser(): Promise<Browser> {
  return chromium.connect(inject('browserWsEndpoint'));
}

/** A platform and the shared Chromium for one describe block: `t.platform`, `t.browser`. */
export function usePlatformAndBrowser(env: Record<string, string> = {}) {
  const t = {} as { platform: Platform; browser: Browser };
  beforeAll(async () => {
    [t.platform, t.browser] = await Promise.all([startPlatform(env), connectBrowser()]);
  });
  afterAll(async () => {
    await t.browser?.close();
    await t.platform?.close();
  });
  return t;
}

export function damagePhoto(color = '#c0392b'): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: color } }).jpeg().toBuffer();
}

/** Waits for a page heading; on timeout the error tells where the browser is and what it shows. */
export async function expectHeading(page: Page, name: string | RegExp, timeout = 30_000): Promise<void> {
  try {
    await page.getByRole('heading', { name }).first().waitFor({ timeout });
  } catch (error) {
    const text = await page.locator('body').innerText().catch(() => '(no body)');
    throw new Error(`expected heading ${String(name)} at ${page.url()}, page shows:\n${text.slice(0, 1500)}`, { cause: error });
  }
}

/**
 * Waits until htmx has finished its swaps: content it swapped in gets its
 * classes and its own htmx behaviour (change triggers, boosted forms) only
 * when the swap settles, a moment later.
 */
export async function htmxSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added'));
}

export async function fillContact(page: Page, contact: { firstName: string; lastName: string; email: string; phone?: string }) {
  await page.getByLabel('First name').fill(contact.firstName);
  await page.getByLabel('Last name').fill(contact.lastName);
  await page.getByLabel('E-mail').fill(contact.email);
  if (contact.phone) await page.getByLabel('Phone').fill(contact.phone);
  await page.getByLabel(/I agree that my details are passed on/).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expectHeading(page, 'Your vehicle');
}

export async function staffLogin(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/staff/login?lang=en`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}
