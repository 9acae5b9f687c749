import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointmentWithCheckinLink } from './support/checkin';
import { bytesUnder, filesUnder } from './support/disk';
import { createJob, createLocation } from './support/fixtures';
import { httpClient, visibleText, type HttpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';
import { waitUntil } from './support/wait';

/** A JPEG of about `kilobytes` (noise compresses badly), a real photo as far as the server can tell. */
async function photoOf(kilobytes: number): Promise<Buffer> {
  const side = Math.round(Math.sqrt(kilobytes * 1024 * 0.9));
  return sharp({ create: { width: side, height: side, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 128, sigma: 80 } } })
    .jpeg({ quality: 95 })
    .toBuffer();
}


/** A multipart form with `files` under `field`, fields first unless `tokenLast`. */
function multipart(field: string, files: Buffer[], fields: Record<string, string> = {}, tokenLast?: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  files.forEach((file, n) => form.append(field, new Blob([new Uint8Array(file)], { type: 'image/jpeg' }), `damage-${n + 1}.jpg`));
  if (tokenLast) form.append('_csrf', tokenLast);
  return form;
}

/**
 * The anonymous upload routes (P2 estimate photos, P6 job photos, C3 check-in
 * remarks) against the default upload layout: a refused request leaves
 * nothing on disk, one check-in keeps a bounded amount, each client sends a
 * bounded volume.
 */
describe('uploads and the disk', () => {
  let platform: Platform;
  let uploadDir: string;
  let photo: Buffer;
  let bigPhoto: Buffer;
  beforeAll(async () => {
    [photo, bigPhoto] = await Promise.all([photoOf(100), photoOf(700)]);
    platform = await startPlatform({
      // The test stands in for the proxy (127.0.0.1), so each test is a client of its own (X-Forwarded-For).
      TRUST_PROXY: '127.0.0.1',
      CHECKIN_MAX_BYTES: String(Math.round(photo.length * 2.5)),
      UPLOAD_RATE_LIMIT_BYTES: String(Math.round(bigPhoto.length * 2.5)),
    });
    uploadDir = platform.config.UPLOAD_DIR;
  });
  afterAll(() => platform?.close());

  const client = (ip: string, language = 'en') => httpClient(platform.baseUrl, { headers: { 'X-Forwarded-For': ip, 'Accept-Language': language } });

  /** A customer who proved plate + job number, on the job's photo page (P6). */
  async function provenCustomer(ip: string) {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    const customer = client(ip);
    await customer.formPage(`/p/${location.slug}/lookup/photos`);
    expect((await customer.post(`/p/${location.slug}/lookup/photos`, { plate: job.plate, jobNumber: job.job_number })).status).toBe(303);
    await customer.formPage(`/p/${location.slug}/photos/${job.job_number}`);
    return { customer, location, job, path: `/p/${location.slug}/photos/${job.job_number}` };
  }

  it('anonymous posts of 10 × 1 MB, with no session and no token, to any upload route are refused and leave 0 bytes on disk', async () => {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    const { token } = await appointmentWithCheckinLink(platform.db, location);
    const files = Array.from({ length: 10 }, () => randomBytes(1024 * 1024));
    const routes = [
      `/p/${location.slug}/estimate/vehicle`,
      '/p/no-such-portal/estimate/vehicle',
      `/p/${location.slug}/photos/${job.job_number}`,
      `/p/${location.slug}/photos/99999`,
      '/p/any/photos/1001',
      `/c/${token}/remarks`,
      `/c/${randomBytes(32).toString('base64url')}/remarks`,
    ];
    for (const route of routes) {
      const attacker = client('203.0.113.66');
      const answer = await attacker.request(route, { method: 'POST', body: multipart('photos', files, { plate: 'X', make: 'Y', subject: 'Z' }) });
      expect([303, 403, 404], route).toContain(answer.status);
      expect(await bytesUnder(uploadDir), route).toBe(0);
    }
    // Nothing was counted against the client either: a refused request was not read.
    expect(await platform.db('rate_limits').where('key', 'like', 'upload-kilobytes:203.0.113.66').first()).toBeUndefined();
  });

  it('a session that may upload but sends a wrong token, or the token after the files, writes nothing; with the token first it works', async () => {
    const { customer, path: photosPath, job } = await provenCustomer('203.0.113.10');
    const wrong = await customer.request(photosPath, { method: 'POST', body: multipart('photos', [photo], { _csrf: 'not-the-token' }) });
    expect(wrong.status).toBe(403);
    expect(await bytesUnder(uploadDir)).toBe(0);
    const late = await customer.request(photosPath, { method: 'POST', body: multipart('photos', [photo], {}, customer.csrfToken()) });
    expect(late.status).toBe(403);
    expect(visibleText(await late.text())).toContain('This form has expired');
    expect(await bytesUnder(uploadDir)).toBe(0);

    const good = await customer.post(photosPath, multipart('photos', [photo]));
    expect(good.status).toBe(303);
    expect(await platform.db('photos').where({ job_id: job.id }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await filesUnder(path.join(uploadDir, 'incoming'))).toEqual([]);
  });

  it('a body cut off halfway, or one that never ends its last part, leaves no part behind', async () => {
    const { customer, path: photosPath } = await provenCustomer('203.0.113.11');
    const incoming = path.join(uploadDir, 'incoming');
    const before = await bytesUnder(uploadDir);
    const boundary = `----workshop${randomBytes(8).toString('hex')}`;
    const head = (length: number, ip: string) =>
      [
        `POST ${photosPath} HTTP/1.1`,
        `Host: 127.0.0.1`,
        `Cookie: ${customer.cookieHeader()}`,
        `X-Forwarded-For: ${ip}`,
        `Content-Type: multipart/form-data; boundary=${boundary}`,
        `Content-Length: ${length}`,
        'Connection: close',
        '',
        '',
      ].join('\r\n');
    const parts =
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${customer.csrfToken()}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
    const { port } = new URL(platform.baseUrl);

    // The client goes away halfway through its file, once part of it is on disk.
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(head(Math.round(1.5 * 1024 * 1024), '203.0.113.11'));
    socket.write(parts);
    socket.write(randomBytes(1024 * 1024));
    await waitUntil('part of the file written', async () => (await bytesUnder(incoming)) > 0);
    socket.destroy();
    await waitUntil('the part removed', async () => (await bytesUnder(incoming)) === 0);

    // A body of the length it says, whose last part never ends: refused, and nothing kept.
    const body = Buffer.concat([Buffer.from(parts), randomBytes(200_000)]);
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(Number(port), '127.0.0.1', () => s.write(Buffer.concat([Buffer.from(head(body.length, '203.0.113.12')), body])));
      let response = '';
      s.on('data', (chunk) => (response += chunk.toString()));
      s.on('end', () => resolve(response));
      s.on('error', reject);
      s.setTimeout(10_000, () => s.destroy(new Error('no answer')));
    }).catch((error: Error) => error.message);
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(await bytesUnder(uploadDir)).toBe(before);
    expect(await filesUnder(incoming)).toEqual([]);
  });

  it('one check-in keeps at most CHECKIN_MAX_BYTES on disk, however many browsers add remarks; the customer is told so in their language', async () => {
    const { location } = await createLocation(platform.db);
    const { token, appointment } = await appointmentWithCheckinLink(platform.db, location, { language: 'nl' });
    const browser = async (ip: string) => {
      const customer = client(ip, 'nl');
      await customer.formPage(`/c/${token}`);
      await customer.post(`/c/${token}/welcome`, { email: appointment.email, phone: '0470 11 11 11', channel: 'email' });
      await customer.post(`/c/${token}/services`, {});
      await customer.formPage(`/c/${token}/remarks`);
      return customer;
    };
    const addRemark = (customer: HttpClient, subject: string) => customer.post(`/c/${token}/remarks`, multipart('files', [photo], { subject, description: '', action: 'add' }));
    expect((await addRemark(await browser('203.0.113.20'), 'Kras links')).status).toBe(303);
    expect((await addRemark(await browser('203.0.113.21'), 'Deuk rechts')).status).toBe(303);
    const third = await addRemark(await browser('203.0.113.22'), 'Barst in ruit');
    expect(third.status).toBe(422);
    const page = await third.text();
    expect(visibleText(page)).toContain('Niet toegevoegd: deze check-in bevat al het maximum dat we online aannemen');
    expect(page).toContain('value="Barst in ruit"');
    const folder = path.join(uploadDir, 'checkin', String(appointment.id));
    expect(await bytesUnder(folder)).toBe(2 * photo.length);
    expect(await bytesUnder(folder)).toBeLessThanOrEqual(platform.config.CHECKIN_MAX_BYTES);
    expect(await filesUnder(path.join(uploadDir, 'incoming'))).toEqual([]);
  });

  it('each client may send a bounded volume to the upload routes; past it a page in its language says when to come back, and nothing is stored', async () => {
    const { customer, path: photosPath, job } = await provenCustomer('203.0.113.30');
    expect((await customer.post(photosPath, multipart('photos', [bigPhoto]))).status).toBe(303);
    await customer.formPage(photosPath);
    expect((await customer.post(photosPath, multipart('photos', [bigPhoto]))).status).toBe(303);
    await customer.formPage(photosPath);
    const before = await bytesUnder(uploadDir);
    const refused = await customer.request(photosPath, {
      method: 'POST',
      headers: { 'Accept-Language': 'de' },
      body: multipart('photos', [bigPhoto], { _csrf: customer.csrfToken() }),
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(visibleText(await refused.text())).toMatch(/Sie haben in kurzer Zeit viele Dateien gesendet\. Bitte versuchen Sie es in \d+ Minuten erneut/);
    expect(await bytesUnder(uploadDir)).toBe(before);
    expect(await platform.db('photos').where({ job_id: job.id }).count({ n: '*' }).first()).toEqual({ n: 2 });

    // Another client is not held back by this one.
    const other = await provenCustomer('203.0.113.31');
    expect((await other.customer.post(other.path, multipart('photos', [bigPhoto]))).status).toBe(303);
  });
});
