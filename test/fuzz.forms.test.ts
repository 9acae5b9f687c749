import path from 'node:path';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointmentWithCheckinLink } from './support/checkin';
import { bytesUnder, filesUnder } from './support/disk';
import { createJob, createLocation, createStaff, uniqueEmail, uniquePlate, type LocationFixture } from './support/fixtures';
import { httpClient, type HttpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

/**
 * Property-based fuzzing (fast-check) of the customer forms, the upload
 * routes and the paths with ids: whatever a browser or an attacker sends,
 * the answer is never a 5xx, and nothing is half written (a lead exists
 * exactly when its form was taken; every stored photo has its row and
 * every row its files; no upload part stays in UPLOAD_DIR/incoming).
 * A failure prints the seed and the shrunk input that fails.
 */

const runs = Number(process.env.FUZZ_RUNS ?? 150);
let fuzzed = 0;

// ---- what gets sent --------------------------------------------------------------

/** Text as people and attackers type it: any code point (NUL, controls, lone surrogates), markup, huge, numbers at the edges. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('', ' ', '\u0000', '\u0000\u0000', '\r\n', 'x'.repeat(5000), 'ä'.repeat(70_000), '<script>alert(1)</script>', "D'Hondt",
      '1.5', '-1', '0', '9007199254740993', '2147483648', '1e3', 'NaN', '%00', '../../etc/passwd', 'yes', 'on', 'true', '2026-02-30', '2026-12-24T10:00'),
  },
);

/** One value of a field: text, the field sent twice or thrice, or bytes that are no UTF-8 at all. */
type Value = string | string[] | { raw: string };
const value: fc.Arbitrary<Value> = fc.oneof(
  { weight: 5, arbitrary: text },
  { weight: 1, arbitrary: fc.array(text, { minLength: 2, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 30 }).map((bytes) => ({ raw: [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('') })) },
);

/** A form: each field valid, fuzzed or left out, plus fields nobody asked for. */
function form(valid: Record<string, string>) {
  const fields = Object.fromEntries(
    Object.entries(valid).map(([name, good]) => [name, fc.oneof({ weight: 3, arbitrary: fc.constant<Value | undefined>(good) }, { weight: 2, arbitrary: value }, { weight: 1, arbitrary: fc.constant(undefined) })]),
  );
  return fc.record({ fields: fc.record(fields), extra: fc.dictionary(fc.string({ maxLength: 12 }), value, { maxKeys: 2 }) });
}

/** A string a URL or a form part can carry: a lone surrogate becomes U+FFFD, as a browser sends it. */
const wellFormed = (text: string) => text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
const encode = (text: string) => encodeURIComponent(wellFormed(text));
const encodeValue = (v: Value): string[] => (typeof v === 'string' ? [encode(v)] : Array.isArray(v) ? v.map(encode) : [v.raw]);

/** The urlencoded body of a fuzzed form, with this session's CSRF token (or not, now and then). */
function urlencoded(client: HttpClient, input: { fields: Record<string, Value | undefined>; extra: Record<string, Value> }, token = true): string {
  const pairs: string[] = token ? [`_csrf=${encode(client.csrfToken())}`] : [];
  for (const [name, v] of [...Object.entries(input.fields), ...Object.entries(input.extra)]) {
    if (v === undefined) continue;
    for (const encoded of encodeValue(v)) pairs.push(`${encode(name)}=${encoded}`);
  }
  return pairs.join('&');
}

/** A file as a phone, a broken client or an attacker sends it. */
function fileArbitrary(samples: { jpeg: Buffer; png: Buffer }) {
  const content = fc.oneof(
    fc.constant(samples.jpeg),
    fc.constant(samples.png),
    fc.uint8Array({ maxLength: 3000 }).map((bytes) => Buffer.from(bytes)),
    fc.nat({ max: samples.jpeg.length }).map((cut) => samples.jpeg.subarray(0, cut)), // a photo cut off
    fc.constant(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(800)])), // a JPEG header and nothing
    fc.constant(Buffer.alloc(0)),
  );
  return fc.record({
    content,
    type: fc.constantFrom('image/jpeg', 'image/png', 'image/webp', 'video/mp4', 'text/html', 'application/octet-stream', ''),
    name: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('IMG_0001.JPG', '../../x.jpg', '.htaccess', 'a\u0000b.jpg', 'ü.png')),
  });
}
type FuzzFile = { content: Buffer; type: string; name: string };

function multipart(client: HttpClient, field: string, input: { fields: Record<string, Value | undefined>; extra: Record<string, Value> }, files: FuzzFile[]): FormData {
  const body = new FormData();
  body.append('_csrf', client.csrfToken());
  for (const [name, v] of [...Object.entries(input.fields), ...Object.entries(input.extra)]) {
    if (v === undefined) continue;
    for (const one of typeof v === 'string' ? [v] : Array.isArray(v) ? v : [decodeURIComponent(v.raw.replace(/%[89a-f][0-9a-f]/g, '?'))]) body.append(name, wellFormed(one));
  }
  for (const file of files) body.append(field, new Blob([new Uint8Array(file.content)], { type: file.type }), wellFormed(file.name) || 'file');
  return body;
}

// ---- the platform ------------------------------------------------------------------

describe('fuzzing the customer forms, the upload routes and the paths (fast-check)', () => {
  let platform: Platform;
  let samples: { jpeg: Buffer; png: Buffer };
  let portal: LocationFixture;
  beforeAll(async () => {
    const picture = sharp({ create: { width: 40, height: 30, channels: 3, background: '#a33' } });
    samples = { jpeg: await picture.clone().jpeg().toBuffer(), png: await picture.clone().png().toBuffer() };
    // The test stands in for the proxy, so each fuzzed visitor is a client of its own (rate limits are not what is fuzzed).
    platform = await startPlatform({ TRUST_PROXY: '127.0.0.1' });
    portal = await createLocation(platform.db, { booking_horizon_days: 10 });
  });
  afterAll(async () => {
    console.log(`fuzz: ${fuzzed} inputs sent; upload parts left in UPLOAD_DIR/incoming: ${await bytesUnder(path.join(platform.config.UPLOAD_DIR, 'incoming'))} bytes`);
    await platform?.close();
  });

  const notServerError = async (answer: Response, what: unknown) => {
    fuzzed++;
    const body = await answer.text();
    expect(answer.status, `${answer.status} for ${JSON.stringify(what)?.slice(0, 500)}\n${body.slice(0, 300)}`).toBeLessThan(500);
    return body;
  };
  const post = (client: HttpClient, url: string, body: string) =>
    client.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

  /** After an upload: nothing left in incoming; every photo row has its files on disk, every photo file its row. */
  async function uploadsConsistent() {
    const dir = platform.config.UPLOAD_DIR;
    expect(await filesUnder(path.join(dir, 'incoming'))).toEqual([]);
    const rows = await platform.db('photos').select('path', 'thumbnail_path');
    const onDisk = new Set((await filesUnder(path.join(dir, 'photos'))).map((file) => path.posix.join('photos', file.split(path.sep).join('/'))));
    const inRows = new Set(rows.flatMap((row) => [row.path, row.thumbnail_path]));
    expect([...onDisk].filter((file) => !inRows.has(file))).toEqual([]);
    expect([...inRows].filter((file) => !onDisk.has(file))).toEqual([]);
  }

  it('the service request (M1): never a 5xx, and a lead exactly when the form was taken', async () => {
    const customer = httpClient(platform.baseUrl);
    await customer.formPage(`/p/${portal.location.slug}/service?lang=nl`);
    const valid = {
      desiredDate: DateTime.now().plus({ days: 2 }).toISODate()!, timeWindow: 'morning', services: 'Oil change', remarks: 'Rattles', plate: '1-ABC-234',
      vin: '', make: 'Skoda', model: 'Fabia', mileage: '12 000', customerNumber: '', firstName: 'Lotte', lastName: 'Claes', email: 'lotte@example.test',
      phone: '0470 12 34 56', street: '', postalCode: '', city: '', consent: 'yes',
    };
    await fc.assert(
      fc.asyncProperty(form(valid), async (input) => {
        const before = Number((await platform.db('leads').count({ n: '*' }).first())!.n);
        const answer = await post(customer, `/p/${portal.location.slug}/service`, urlencoded(customer, input));
        await notServerError(answer, input);
        const after = Number((await platform.db('leads').count({ n: '*' }).first())!.n);
        expect(after - before).toBe(answer.status === 303 ? 1 : 0);
        if (answer.status === 303) await customer.formPage(`/p/${portal.location.slug}/service`);
      }),
      { numRuns: runs },
    );
  });

  it('the estimate contact step, the plate + job number look-up, the staff login and the check-in welcome step: never a 5xx', async () => {
    const job = await createJob(platform.db, portal.location);
    const { token, appointment } = await appointmentWithCheckinLink(platform.db, portal.location, { customer: { customer_number: null } });
    const targets: { page: string; url: string; valid: Record<string, string> }[] = [
      { page: `/p/${portal.location.slug}/estimate/contact`, url: `/p/${portal.location.slug}/estimate/contact`, valid: { firstName: 'An', lastName: 'Wit', email: uniqueEmail('fuzz'), phone: '', consent: 'yes' } },
      { page: `/p/${portal.location.slug}/lookup/status`, url: `/p/${portal.location.slug}/lookup/status`, valid: { plate: job.plate, jobNumber: job.job_number } },
      { page: '/staff/login', url: '/staff/login', valid: { email: 'nobody@example.test', password: 'wrong', next: '/staff/jobs' } },
      { page: `/c/${token}`, url: `/c/${token}/welcome`, valid: { email: appointment.email, phone: '0470 11 11 11', channel: 'email' } },
    ];
    for (const target of targets) {
      await fc.assert(
        fc.asyncProperty(form(target.valid), fc.boolean(), async (input, withToken) => {
          // A fresh visitor each time: look-up and login failures are rate-limited per client.
          const visitor = httpClient(platform.baseUrl, { headers: { 'X-Forwarded-For': `198.51.100.${fuzzed % 250}` } });
          await visitor.formPage(`${target.page}?lang=fr`);
          await notServerError(await post(visitor, target.url, urlencoded(visitor, input, withToken)), input);
        }),
        { numRuns: Math.ceil(runs / 2) },
      );
    }
  });

  it('the estimate photo upload (P2): never a 5xx, no part left behind, every photo whole', async () => {
    const customer = httpClient(platform.baseUrl);
    const base = `/p/${portal.location.slug}/estimate`;
    const start = async () => {
      await customer.formPage(`${base}/contact?lang=de`);
      expect((await customer.post(`${base}/contact`, { firstName: 'Eva', lastName: 'Maes', email: uniqueEmail('fuzz'), phone: '', consent: 'yes' })).status).toBe(303);
      await customer.formPage(`${base}/vehicle`);
    };
    await start();
    await fc.assert(
      fc.asyncProperty(form({ plate: uniquePlate(), make: 'Opel', model: '', action: 'upload' }), fc.array(fileArbitrary(samples), { maxLength: 12 }), async (input, files) => {
        const answer = await customer.request(`${base}/vehicle`, { method: 'POST', body: multipart(customer, 'photos', input, files) });
        await notServerError(answer, { input, files: files.map((f) => [f.name, f.type, f.content.length]) });
        await uploadsConsistent();
        if (answer.status === 303) await start(); // a new wizard, so the ten-photo limit does not end the fuzzing early
      }),
      { numRuns: runs },
    );
  });

  it('the job photo upload (P6) and a check-in remark (C3): never a 5xx, no part left behind, every stored file accounted for', async () => {
    const job = await createJob(platform.db, portal.location);
    const photos = httpClient(platform.baseUrl);
    await photos.formPage(`/p/${portal.location.slug}/lookup/photos?lang=en`);
    expect((await photos.post(`/p/${portal.location.slug}/lookup/photos`, { plate: job.plate, jobNumber: job.job_number })).status).toBe(303);
    const photosPage = `/p/${portal.location.slug}/photos/${job.job_number}`;
    await photos.formPage(photosPage);
    await fc.assert(
      fc.asyncProperty(form({}), fc.array(fileArbitrary(samples), { maxLength: 11 }), async (input, files) => {
        const answer = await photos.request(photosPage, { method: 'POST', body: multipart(photos, 'photos', input, files) });
        await notServerError(answer, { input, files: files.map((f) => [f.name, f.type, f.content.length]) });
        await uploadsConsistent();
      }),
      { numRuns: runs },
    );

    const checkin = async () => {
      const { token, appointment } = await appointmentWithCheckinLink(platform.db, portal.location, { language: 'fr', customer: { customer_number: null } });
      const customer = httpClient(platform.baseUrl);
      await customer.formPage(`/c/${token}`);
      await customer.post(`/c/${token}/welcome`, { email: appointment.email, phone: '0470 11 11 11', channel: 'email' });
      await customer.post(`/c/${token}/services`, {});
      await customer.formPage(`/c/${token}/remarks`);
      return { customer, token, appointment };
    };
    let c = await checkin();
    await fc.assert(
      fc.asyncProperty(form({ subject: 'Rayure', description: 'Porte gauche', action: 'add' }), fc.array(fileArbitrary(samples), { maxLength: 11 }), async (input, files) => {
        const answer = await c.customer.request(`/c/${c.token}/remarks`, { method: 'POST', body: multipart(c.customer, 'files', input, files) });
        await notServerError(answer, { input, files: files.map((f) => [f.name, f.type, f.content.length]) });
        expect(await filesUnder(path.join(platform.config.UPLOAD_DIR, 'incoming'))).toEqual([]);
        // What the check-in's folder holds is what its drafts hold: sending them shows every file the customer saw added.
        if (answer.status === 303) {
          const remarks = await c.customer.page(`/c/${c.token}/remarks`);
          if (remarks.html.includes('name="subject"') === false) c = await checkin(); // full: another check-in
        }
      }),
      { numRuns: runs },
    );
  });

  it('paths with ids, job numbers, tokens and photo ids, and query strings: never a 5xx', async () => {
    const staff = httpClient(platform.baseUrl);
    const { email, password } = await createStaff(platform.db, portal.companyId, 'admin');
    await staff.login(email, password);
    const segment = fc.oneof(
      text.map(encode),
      fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
      fc.constantFrom('%', '%zz', '%E0%A4%A', '..', '.', '0', '-1', '1.5', '2147483648', '9007199254740993', 'not-a-uuid', '00000000-0000-0000-0000-000000000000'),
    );
    const slug = portal.location.slug;
    const paths = [
      (s: string) => `/p/${s}`,
      (s: string) => `/p/${s}/lookup/status`,
      (s: string) => `/p/${slug}/lookup/${s}`,
      (s: string) => `/p/${slug}/status/${s}`,
      (s: string) => `/p/${slug}/photos/1001/${s}`,
      (s: string) => `/p/${slug}/estimate/photos/${s}`,
      (s: string) => `/c/${s}`,
      (s: string) => `/b/${s}`,
      (s: string) => `/l/${s}`,
      (s: string) => `/staff/jobs/${s}`,
      (s: string) => `/staff/photos/${s}/thumb`,
      (s: string) => `/staff/appointments/${s}`,
      (s: string) => `/staff/appointments/1/checkin-files/${s}`,
      (s: string) => `/staff/leads/${s}`,
      (s: string) => `/staff/customers/${s}/log`,
      (s: string) => `/staff/customers/1?type=${s}&before=${s}`,
      (s: string) => `/staff/settings/locations/${s}`,
      (s: string) => `/staff/settings/templates/${s}`,
      (s: string) => `/staff/settings/messages/invitation/${s}`,
      (s: string) => `/staff/settings/messages/${s}/email/en`,
      (s: string) => `/staff/jobs?q=${s}`,
      (s: string) => `/staff/leads?q=${s}&status=${s}&from=${s}`,
      (s: string) => `/staff/appointments?from=${s}&to=${s}`,
      (s: string) => `/p/${slug}/lookup/status?job=${s}&lang=${s}`,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), segment, async (pathOf, s) => {
        await notServerError(await staff.request(pathOf(s)), pathOf(s));
      }),
      { numRuns: runs * 4 },
    );
  });
});
