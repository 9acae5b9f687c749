import { describe, expect, it } from 'vitest';
import { photosOfJob } from '../../db/photos';
import { damagePhoto, expectHeading, staffLogin, usePlatformAndBrowser } from '../support/browser';
import { createJob, createLocation, createStaff } from '../support/fixtures';

describe('browser: a customer adds photos to the job by plate + job number (P6)', () => {
  const t = usePlatformAndBrowser();

  it('stores the photos in the job, without a booking, and staff see them on the job page', async () => {
    const { companyId, location } = await createLocation(t.platform.db);
    const job = await createJob(t.platform.db, location, '2-PHO-001');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}?lang=en`);
    await page.getByRole('link', { name: 'Add photos' }).click();
    await expectHeading(page, 'Add photos');
    await page.getByLabel('Registration plate').fill('2pho001');
    await page.getByLabel('Job number').fill(job.job_number);
    await page.getByRole('button', { name: 'Next' }).click();
    await expectHeading(page, 'Add photos');
    expect(await page.locator('.plate').innerText()).toBe('2-PHO-001');

    await page.getByLabel('Photos of the damage').setInputFiles([
      { name: 'front.jpg', mimeType: 'image/jpeg', buffer: await damagePhoto('#aa0000') },
      { name: 'side.jpg', mimeType: 'image/jpeg', buffer: await damagePhoto('#00aa00') },
    ]);
    await page.getByRole('button', { name: 'Add these photos' }).click();
    await page.getByText('2 photos added to your job.').waitFor();
    expect(await page.getByRole('heading', { name: 'Photos in your job (2)' }).count()).toBe(1);
    // The thumbnails load for this visitor.
    const thumb = await page.request.get(await page.locator('.thumbs img').first().evaluate((img) => (img as HTMLImageElement).src));
    expect(thumb.headers()['content-type']).toBe('image/webp');

    const stored = await photosOfJob(t.platform.db, job.id);
    expect(stored.map((photo) => photo.original_name).sort()).toEqual(['front.jpg', 'side.jpg']);
    expect(stored.every((photo) => photo.booking_id === null)).toBe(true);
    expect(Number((await t.platform.db('bookings').where({ job_id: job.id }).count({ n: '*' }).first())?.n)).toBe(0);

    // Staff see them on the job.
    const { email, password } = await createStaff(t.platform.db, companyId, 'service_advisor');
    const staff = await t.browser.newContext();
    const staffPage = await staff.newPage();
    await staffLogin(staffPage, t.platform.baseUrl, email, password);
    await expectHeading(staffPage, 'Aftersales board');
    await staffPage.goto(`${t.platform.baseUrl}/staff/jobs/${job.job_number}?lang=en`);
    await expectHeading(staffPage, new RegExp(job.job_number));
    for (const photo of stored) expect(await staffPage.locator(`img[src*="${photo.id}"]`).count()).toBe(1);
    await Promise.all([context.close(), staff.close()]);
  });

  it('refuses a file that is not a photo, keeps the good ones of the batch, and never shows another job\'s photos', async () => {
    const { location } = await createLocation(t.platform.db);
    const job = await createJob(t.platform.db, location, '2-PHO-002');
    const other = await createJob(t.platform.db, location, '2-PHO-003');
    const context = await t.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}/lookup/photos?lang=en`);
    await page.getByLabel('Registration plate').fill('2-PHO-002');
    await page.getByLabel('Job number').fill(job.job_number);
    await page.getByRole('button', { name: 'Next' }).click();
    await expectHeading(page, 'Add photos');

    // A text file named .jpg passes the declared type but not the decoder.
    await page.getByLabel('Photos of the damage').setInputFiles([
      { name: 'good.jpg', mimeType: 'image/jpeg', buffer: await damagePhoto() },
      { name: 'fake.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not an image') },
    ]);
    await page.getByRole('button', { name: 'Add these photos' }).click();
    await page.getByText('Not added, because they are not photos: fake.jpg').waitFor();
    expect((await photosOfJob(t.platform.db, job.id)).map((photo) => photo.original_name)).toEqual(['good.jpg']);

    // Pressing upload with nothing chosen explains itself.
    await page.getByRole('button', { name: 'Add these photos' }).click();
    await page.getByText('Please choose at least one photo.').waitFor();

    // Another job's page needs its own plate + job number.
    await page.goto(`${t.platform.baseUrl}/p/${location.slug}/photos/${other.job_number}?lang=en`);
    await expectHeading(page, 'Add photos');
    expect(page.url()).toContain('/lookup/photos');
    await context.close();
  });
});
