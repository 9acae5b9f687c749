import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocationService,
  deleteLocationService,
  listLocationServices,
  saveContactPreferences,
  submitCheckin,
  type RemarkFileInput,
} from '../db/checkin';
import { RefusedFileError, storeCheckinFile, withStoredFiles, type CheckinUploadLimits } from '../web/checkin/uploads';
import { maxRemarks } from '../web/checkin/wizard';
import { parseLocationService } from '../web/staff/locationServices';
import { appointmentWithCheckinLink } from './support/checkin';
import { createLocation } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

const photoMaxBytes = 200_000;
const videoMaxBytes = 400_000;

describe('C2-C4 online check-in: contact changes, submitting, files, catalogue (PostgreSQL)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ UPLOAD_MAX_BYTES: String(photoMaxBytes), CHECKIN_VIDEO_MAX_BYTES: String(videoMaxBytes) });
  });
  afterAll(() => platform?.close());

  /** A planned appointment three days ahead with a check-in link, two work lines and two optional services. */
  async function appointmentWithLink(options: { cashSale?: boolean; smsEnabled?: boolean; status?: string } = {}) {
    const db = platform.db;
    const { companyId, location } = await createLocation(db);
    await db('companies').where({ id: companyId }).update({ sms_enabled: options.smsEnabled ?? true });
    const cashSale = { first_name: 'Cash sale', last_name: '', email: '', phone: '', is_cash_sale: true, customer_number: 'CASH' };
    const { customer, appointment, token } = await appointmentWithCheckinLink(db, location, {
      customer: options.cashSale ? cashSale : { email: 'old@example.test' },
      status: options.status,
    });
    const carWash = await createLocationService(db, location.id, {
      name: 'Car wash', description: 'Outside', price_cents: 1250, link: '', converts_to_intervention: true, active: true, position: 1,
    });
    const interior = await createLocationService(db, location.id, {
      name: 'Interior cleaning', description: '', price_cents: 4500, link: 'https://example.test/interior', converts_to_intervention: false, active: true, position: 2,
    });
    return { companyId, location, customer, appointment, token, carWash, interior };
  }

  const events = (appointmentId: number) =>
    platform.db('customer_events').where({ appointment_id: appointmentId }).orderBy('id').select('customer_id', 'kind', 'details');

  it('C4: a changed phone and channel update the customer and the appointment, and are logged; unchanged values log nothing', async () => {
    const w = await appointmentWithLink();
    const changes = await saveContactPreferences(platform.db, w.appointment.id, { email: w.appointment.email, phone: '+32 470 22 22 22', channel: 'sms' });
    expect(changes.map((c) => c.field)).toEqual(['phone', 'preferred_channel']);
    expect(await platform.db('customers').where({ id: w.customer.id }).first()).toMatchObject({ phone: '+32 470 22 22 22', preferred_channel: 'sms', email: 'old@example.test' });
    expect(await platform.db('appointments').where({ id: w.appointment.id }).first()).toMatchObject({ phone: '+32 470 22 22 22', email: w.appointment.email });
    expect(await events(w.appointment.id)).toEqual([
      { customer_id: w.customer.id, kind: 'contact_changed', details: { field: 'phone', from: '0470 11 11 11', to: '+32 470 22 22 22' } },
      { customer_id: w.customer.id, kind: 'channel_changed', details: { field: 'preferred_channel', from: 'email', to: 'sms' } },
    ]);

    expect(await saveContactPreferences(platform.db, w.appointment.id, { email: w.appointment.email, phone: '+32 470 22 22 22', channel: 'sms' })).toEqual([]);
    expect(await events(w.appointment.id)).toHaveLength(2);
  });

  it('C4: the shared cash-sale customer is never changed; only the appointment is (and the change is logged)', async () => {
    const w = await appointmentWithLink({ cashSale: true });
    await saveContactPreferences(platform.db, w.appointment.id, { email: 'me@example.test', phone: '0470 11 11 11', channel: 'sms' });
    expect(await platform.db('customers').where({ id: w.customer.id }).first()).toMatchObject({ email: '', phone: '', preferred_channel: 'email' });
    expect(await platform.db('appointments').where({ id: w.appointment.id }).first()).toMatchObject({ email: 'me@example.test' });
    expect((await events(w.appointment.id)).map((e) => e.details)).toEqual([{ field: 'email', from: w.appointment.email, to: 'me@example.test' }]);
  });

  it('C2/C3: sending writes the answers as offered, the remarks with their files, the check-in moment and a log entry — once', async () => {
    const w = await appointmentWithLink();
    const file: RemarkFileInput = { kind: 'photo', storedName: `checkin/${w.appointment.id}/a.jpg`, originalName: 'scratch.jpg', mimeType: 'image/jpeg', sizeBytes: 1234 };
    const answers = {
      services: [
        { serviceId: w.carWash, answer: 'accepted' as const, name: 'Car wash', priceCents: 1250, currency: 'EUR' },
        { serviceId: w.interior, answer: 'contact_me' as const, name: 'Interior cleaning', priceCents: 4500, currency: 'EUR' },
      ],
      remarks: [{ subject: 'Scratch', description: 'Rear bumper', files: [file] }],
    };
    // The admin raises a price after the customer saw it: the answer keeps the price offered.
    await platform.db('location_services').where({ id: w.carWash }).update({ price_cents: 1500 });

    // A double click: two submits at once end with one check-in.
    const outcomes = await Promise.all([submitCheckin(platform.db, w.appointment.id, answers), submitCheckin(platform.db, w.appointment.id, answers)]);
    expect(outcomes.sort()).toEqual(['already_completed', 'completed']);
    expect(await submitCheckin(platform.db, w.appointment.id, answers)).toBe('already_completed');

    const items = await platform.db('checkin_items').where({ appointment_id: w.appointment.id }).orderBy('id');
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({ kind: 'service', location_service_id: w.carWash, answer: 'accepted', service_name: 'Car wash', price_cents: 1250, handled_at: null });
    expect(items[1]).toMatchObject({ kind: 'service', location_service_id: w.interior, answer: 'contact_me', service_name: 'Interior cleaning', price_cents: 4500 });
    expect(items[2]).toMatchObject({ kind: 'remark', subject: 'Scratch', description: 'Rear bumper', answer: null, visible_to_mechanics: false });
    expect(await platform.db('checkin_files').where({ checkin_item_id: items[2].id }).select('kind', 'stored_name', 'original_name', 'mime_type', 'size_bytes')).toEqual([
      { kind: 'photo', stored_name: file.storedName, original_name: 'scratch.jpg', mime_type: 'image/jpeg', size_bytes: 1234 },
    ]);
    expect((await platform.db('appointments').where({ id: w.appointment.id }).first()).checkin_completed_at).toBeInstanceOf(Date);
    expect(await events(w.appointment.id)).toEqual([
      { customer_id: w.customer.id, kind: 'checkin_completed', details: { accepted: ['Car wash'], contact_me: ['Interior cleaning'], remarks: ['Scratch'] } },
    ]);

    // The database refuses a second answer to the same service, whatever the code does.
    await expect(
      platform.db('checkin_items').insert({ appointment_id: w.appointment.id, kind: 'service', location_service_id: w.carWash, answer: 'accepted', service_name: 'Car wash' }),
    ).rejects.toThrow(/checkin_items_one_per_service/);
  });

  it('a cancelled appointment, or one that has begun, takes no check-in', async () => {
    const w = await appointmentWithLink({ status: 'cancelled' });
    expect(await submitCheckin(platform.db, w.appointment.id, { services: [], remarks: [] })).toBe('not_open');
    expect((await platform.db('appointments').where({ id: w.appointment.id }).first()).checkin_completed_at).toBeNull();

    // Checked under the row lock, not only by the page: a draft sent a moment too late is refused.
    const begun = await appointmentWithLink();
    await platform.db('appointments').where({ id: begun.appointment.id }).update({ starts_at: new Date(Date.now() - 60_000) });
    expect(await submitCheckin(platform.db, begun.appointment.id, { services: [], remarks: [{ subject: 'Late', description: '', files: [] }] })).toBe('not_open');
    expect(await platform.db('checkin_items').where({ appointment_id: begun.appointment.id })).toEqual([]);
  });

  it('a draft whose files are gone from disk (removed when the appointment first began) is sent without them', async () => {
    const w = await appointmentWithLink();
    const dir = platform.config.UPLOAD_DIR;
    await mkdir(path.join(dir, 'checkin', String(w.appointment.id)), { recursive: true });
    const file = (name: string): RemarkFileInput => ({ kind: 'photo', storedName: `checkin/${w.appointment.id}/${name}`, originalName: name, mimeType: 'image/jpeg', sizeBytes: 5 });
    await writeFile(path.join(dir, file('kept.jpg').storedName), 'photo');
    const remarks = await withStoredFiles(dir, [{ subject: 'Dent', description: '', files: [file('gone.jpg'), file('kept.jpg')] }]);
    expect(remarks).toEqual([{ subject: 'Dent', description: '', files: [file('kept.jpg')] }]);
  });

  describe('C3 files are judged by their content', () => {
    let limits: CheckinUploadLimits;
    let incoming: string;
    beforeAll(async () => {
      limits = { dir: platform.config.UPLOAD_DIR, photoMaxBytes, videoMaxBytes, maxFiles: 10, maxBytesPerCheckin: 10 * videoMaxBytes };
      incoming = path.join(limits.dir, 'incoming');
      await mkdir(incoming, { recursive: true });
    });

    /** A file as multer leaves it in the incoming folder. */
    async function uploaded(originalname: string, content: Buffer) {
      const filePath = path.join(incoming, randomUUID());
      await writeFile(filePath, content);
      return { path: filePath, originalname, size: content.length } as Express.Multer.File;
    }
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic'), Buffer.alloc(1000)]);

    it('takes photos (JPEG, HEIC) and videos (MP4) whatever they are called, into checkin/<appointment>/', async () => {
      const photo = await storeCheckinFile(platform.db, await uploaded('IMG_0001', await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c00' } }).jpeg().toBuffer()), 7001, limits);
      expect(photo).toMatchObject({ kind: 'photo', mimeType: 'image/jpeg', originalName: 'IMG_0001' });
      expect(photo.storedName).toMatch(/^checkin\/7001\/[0-9a-f-]{36}\.jpg$/);
      expect(existsSync(path.join(limits.dir, photo.storedName))).toBe(true);
      expect(await storeCheckinFile(platform.db, await uploaded('IMG_0002.HEIC', heic), 7001, limits)).toMatchObject({ kind: 'photo', mimeType: 'image/heic' });
      // A video bigger than the photo limit, within the video limit.
      const video = await storeCheckinFile(platform.db, await uploaded('noise.txt', mp4Header(300_000)), 7001, limits);
      expect(video).toMatchObject({ kind: 'video', mimeType: 'video/mp4', sizeBytes: 300_000 });
      expect(video.storedName).toMatch(/\.mp4$/);
    });

    it('refuses a text file named .jpg, a JPEG header that does not decode, and a photo over the photo limit; nothing stays behind', async () => {
      const refusal = async (name: string, content: Buffer) => {
        const error = await storeCheckinFile(platform.db, await uploaded(name, content), 7002, limits).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RefusedFileError);
        return (error as RefusedFileError).reason;
      };
      expect(await refusal('fake.jpg', Buffer.from('this is not an image'))).toBe('type');
      expect(await refusal('broken.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500)]))).toBe('type');
      const bigPhoto = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#888', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
      expect(bigPhoto.length).toBeGreaterThan(photoMaxBytes);
      expect(await refusal('big.png', bigPhoto)).toBe('size');
      expect(await readdir(incoming)).toEqual([]);
      expect(existsSync(path.join(limits.dir, 'checkin', '7002'))).toBe(false);
    });
  });

  it('C2 catalogue: prices typed with a comma or a point, http(s) links only; a deleted service keeps the answers given', async () => {
    const form = { name: 'Car wash', description: '', price: '12,50', link: '', converts_to_intervention: 'on', active: 'on', position: '10' };
    expect(parseLocationService(form)).toEqual({
      ok: true,
      service: { name: 'Car wash', description: '', price_cents: 1250, link: '', converts_to_intervention: true, active: true, position: 10 },
    });
    expect(parseLocationService({ ...form, price: '12.5', active: undefined })).toMatchObject({ ok: true, service: { price_cents: 1250, active: false } });
    expect(parseLocationService({ ...form, name: ' ', price: 'twelve', link: 'javascript:alert(1)', position: '-1' })).toEqual({
      ok: false,
      errors: { name: 'errors.required', price: 'checkin.catalogue.errors.price', link: 'checkin.catalogue.errors.link', position: 'checkin.catalogue.errors.position' },
    });

    const w = await appointmentWithLink();
    await submitCheckin(platform.db, w.appointment.id, {
      services: [{ serviceId: w.interior, answer: 'accepted', name: 'Interior cleaning', priceCents: 4500, currency: 'EUR' }],
      remarks: [],
    });
    expect(await deleteLocationService(platform.db, w.location.id, w.interior)).toBe(true);
    expect((await listLocationServices(platform.db, w.location.id)).map((s) => s.name)).toEqual(['Car wash']);
    expect(await platform.db('checkin_items').where({ appointment_id: w.appointment.id }).first()).toMatchObject({
      location_service_id: null,
      service_name: 'Interior cleaning',
      price_cents: 4500,
    });
  });

  describe('the check-in link over HTTP', () => {
    it('an unknown link and a cancelled appointment get a clear 404 page', async () => {
      const unknown = await fetch(`${platform.baseUrl}/c/${'x'.repeat(64)}?lang=en`);
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain('This check-in link is not valid');
      expect(unknown.headers.get('cache-control')).toBe('no-store');

      const w = await appointmentWithLink({ status: 'cancelled' });
      const cancelled = await fetch(`${platform.baseUrl}/c/${w.token}?lang=nl`);
      expect(cancelled.status).toBe(404);
      expect(await cancelled.text()).toContain('Deze check-in-link is niet geldig');

      // An appointment that has begun takes no check-in any more; its steps lead back to the link.
      const past = await appointmentWithLink();
      await platform.db('appointments').where({ id: past.appointment.id }).update({ starts_at: new Date(Date.now() - 3_600_000) });
      expect(await (await fetch(`${platform.baseUrl}/c/${past.token}?lang=en`)).text()).toContain('Check-in is closed');
      const step = await fetch(`${platform.baseUrl}/c/${past.token}/services?lang=en`, { redirect: 'manual' });
      expect([step.status, step.headers.get('location')]).toEqual([303, `/c/${past.token}`]);
    });

    it('a file over every limit is refused with the typed remark kept; the page speaks the appointment\'s language', async () => {
      const w = await appointmentWithLink();
      await platform.db('appointments').where({ id: w.appointment.id }).update({ language: 'de' });
      const customer = httpClient(platform.baseUrl);
      const welcome = (await customer.formPage(`/c/${w.token}`)).html;
      expect(welcome).toContain('Online-Check-in');
      const welcomed = await customer.post(`/c/${w.token}/welcome`, { email: w.appointment.email, phone: '0470 11 11 11', channel: 'email' });
      expect(welcomed.status).toBe(303);
      await customer.post(`/c/${w.token}/services`, { [`service_${w.carWash}`]: 'accepted' });

      const form = new FormData();
      form.append('subject', 'Rattling noise');
      form.append('description', 'Left rear,\r\nabove 80 km/h'); // a plain form post's line break
      form.append('files', new Blob([new Uint8Array(mp4Header(videoMaxBytes + 10))], { type: 'video/mp4' }), 'long.mp4');
      form.append('action', 'add');
      const refused = await customer.post(`/c/${w.token}/remarks`, form);
      expect(refused.status).toBe(422);
      const html = await refused.text();
      expect(html).toContain('Eine Datei ist zu groß');
      expect(html).toContain('value="Rattling noise"');
      expect(html).toContain('Left rear,\nabove 80 km/h</textarea>');
      expect(await platform.db('checkin_items').where({ appointment_id: w.appointment.id })).toEqual([]);
      expect(await readdir(path.join(platform.config.UPLOAD_DIR, 'incoming'))).toEqual([]);
    });

    it(`takes at most ${maxRemarks} remarks: the next one is refused with its files, and "Next" goes on to the review`, async () => {
      const w = await appointmentWithLink();
      const customer = httpClient(platform.baseUrl);
      await customer.formPage(`/c/${w.token}?lang=en`);
      await customer.post(`/c/${w.token}/welcome`, { email: w.appointment.email, phone: '0470 11 11 11', channel: 'email' });
      await customer.post(`/c/${w.token}/services`, { [`service_${w.carWash}`]: 'accepted' });
      const remark = (subject: string, action = 'add', file?: Buffer) => {
        const form = new FormData();
        form.append('subject', subject);
        form.append('description', '');
        if (file) form.append('files', new Blob([new Uint8Array(file)], { type: 'image/jpeg' }), 'more.jpg');
        form.append('action', action);
        return customer.post(`/c/${w.token}/remarks`, form);
      };
      for (let n = 1; n <= maxRemarks; n++) expect((await remark(`Remark ${n}`)).status).toBe(303);
      const full = await customer.page(`/c/${w.token}/remarks`);
      expect(full.html).toContain(`You have added ${maxRemarks} remarks, the most we take online.`);
      expect(full.html).not.toContain('name="subject"');

      const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c00' } }).jpeg().toBuffer();
      const refused = await remark('One more', 'add', photo);
      expect(refused.status).toBe(422);
      expect(await refused.text()).toContain(`We take at most ${maxRemarks} remarks online; this one was not added.`);
      expect(await readdir(path.join(platform.config.UPLOAD_DIR, 'incoming'))).toEqual([]);
      expect(existsSync(path.join(platform.config.UPLOAD_DIR, 'checkin', String(w.appointment.id)))).toBe(false);

      const next = await remark('', 'next');
      expect([next.status, next.headers.get('location')]).toEqual([303, `/c/${w.token}/review`]);
      await customer.formPage(`/c/${w.token}/review`);
      expect((await customer.post(`/c/${w.token}/submit`)).status).toBe(303);
      const subjects = await platform.db('checkin_items').where({ appointment_id: w.appointment.id, kind: 'remark' }).orderBy('id').pluck('subject');
      expect(subjects).toEqual(Array.from({ length: maxRemarks }, (_, i) => `Remark ${i + 1}`));
    });
  });
});

/** An MP4's signature (its ftyp box) padded to `size` bytes: enough for a content check. */
function mp4Header(size: number): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2mp41')]);
  return Buffer.concat([ftyp, Buffer.alloc(size - ftyp.length)]);
}
