import { DateTime } from 'luxon';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointmentWithCheckinLink } from './support/checkin';
import { createJob, createLocation, createStaff, uniqueEmail, uniquePlate } from './support/fixtures';
import { httpClient, visibleText, type FormFields } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';


/** A service request (M1) as the form posts it, everything valid. */
function serviceRequest(overrides: FormFields = {}): FormFields {
  return {
    desiredDate: DateTime.now().plus({ days: 2 }).toISODate()!,
    timeWindow: 'morning',
    services: 'Oil change',
    remarks: '',
    plate: uniquePlate(),
    vin: '',
    make: 'Skoda',
    model: 'Octavia',
    mileage: '',
    customerNumber: '',
    firstName: 'Lotte',
    lastName: 'Claes',
    email: uniqueEmail('bad-input'),
    phone: '0470 12 34 56',
    street: '',
    postalCode: '',
    city: '',
    consent: 'yes',
    ...overrides,
  };
}

describe('bad input gets a clear page in the user\'s language, never a 500, and loses nothing', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  /** An admin of the company, logged in. */
  async function adminOf(companyId: number) {
    const staff = httpClient(platform.baseUrl);
    const { email, password } = await createStaff(platform.db, companyId, 'admin');
    await staff.login(email, password);
    return staff;
  }

  it('a NUL byte or another control character in a text field is left out: the request goes through with the rest as typed', async () => {
    const { location } = await createLocation(platform.db, { booking_horizon_days: 10 });
    const customer = httpClient(platform.baseUrl);
    await customer.formPage(`/p/${location.slug}/service?lang=en`);
    const email = uniqueEmail('nul');
    const answer = await customer.post(`/p/${location.slug}/service`, serviceRequest({ email, remarks: 'Rear\u0000 door\u001b rattles\r\nat 50 km/h', city: 'Gen\u0000t' }));
    expect(answer.status).toBe(303);
    const lead = await platform.db('leads').where({ email }).first();
    expect([lead.remarks, lead.city]).toEqual(['Rear door rattles\nat 50 km/h', 'Gent']);
  });

  it('a NUL typed in the estimate wizard does not stop the final Confirm: the booking is held with the name as typed, without it', async () => {
    const { location } = await createLocation(platform.db);
    const customer = httpClient(platform.baseUrl);
    const base = `/p/${location.slug}/estimate`;
    await customer.formPage(`${base}/contact?lang=en`);
    const email = uniqueEmail('nul-estimate');
    expect((await customer.post(`${base}/contact`, { firstName: 'An\u0000n', lastName: 'De\u0000 Wit', email, phone: '', consent: 'yes' })).status).toBe(303);
    await customer.formPage(`${base}/vehicle`);
    expect((await customer.post(`${base}/vehicle`, { plate: uniquePlate(), make: 'Fi\u0000at', model: '' })).status).toBe(303);
    const slotPage = await customer.formPage(`${base}/slot`);
    const slot = /name="slot" value="([^"]+)"/.exec(slotPage.html)![1]!;
    expect((await customer.post(`${base}/slot`, { slot })).status).toBe(303);
    await customer.formPage(`${base}/review`);
    const confirmed = await customer.post(`${base}/confirm`);
    expect([confirmed.status, confirmed.headers.get('location')]).toEqual([303, `${base}/sent`]);
    expect(await platform.db('bookings').where({ email }).first('first_name', 'last_name', 'make')).toEqual({ first_name: 'Ann', last_name: 'De Wit', make: 'Fiat' });
  });

  it('a NUL in a check-in remark (a multipart form) or in a search is left out too', async () => {
    const { location, companyId } = await createLocation(platform.db);
    const { token, appointment } = await appointmentWithCheckinLink(platform.db, location);
    const customer = httpClient(platform.baseUrl);
    await customer.formPage(`/c/${token}?lang=en`);
    await customer.post(`/c/${token}/welcome`, { email: appointment.email, phone: '0470 11 11 11', channel: 'email' });
    await customer.post(`/c/${token}/services`, {});
    await customer.formPage(`/c/${token}/remarks`);
    const form = new FormData();
    form.append('subject', 'Sc\u0000ratch');
    form.append('description', 'Left\u0000 door');
    form.append('action', 'add');
    expect((await customer.post(`/c/${token}/remarks`, form)).status).toBe(303);
    expect(visibleText((await customer.page(`/c/${token}/remarks`)).html)).toContain('Scratch');

    const staff = await adminOf(companyId);
    for (const search of ['/staff/jobs?q=%00', '/staff/leads?q=ab%00c', '/staff/appointments?q=%00%1b']) {
      expect((await staff.request(search)).status, search).toBe(200);
    }
  });

  it('a day the calendar does not have (2026-02-30) is ignored in a filter and refused in a form, never a failed query', async () => {
    const { location, companyId } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    const staff = await adminOf(companyId);
    for (const page of ['/staff/leads?from=2026-02-30&to=2026-13-01', '/staff/appointments?from=2026-02-30&to=2026-02-31']) {
      expect((await staff.request(page)).status, page).toBe(200);
    }
    await staff.formPage(`/staff/jobs/${job.job_number}?lang=en`);
    const step = await staff.post(`/staff/jobs/${job.job_number}/steps`, { type: 'appointment', at: '2026-02-30T10:00' });
    expect(step.status).toBe(422);
    expect((await platform.db('jobs').where({ id: job.id }).first('step')).step).toBe('new');
  });

  it('a malformed id, job number, photo id or path answers the 404 page', async () => {
    const { location, companyId } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    const staff = await adminOf(companyId);
    const staffPaths = [
      '/staff/jobs/%00',
      '/staff/photos/not-a-uuid/thumb',
      '/staff/settings/locations/1.5',
      '/staff/settings/locations/9007199254740993',
      '/staff/settings/locations/2147483648',
      '/staff/appointments/0',
      '/staff/appointments/-1',
      '/staff/leads/1e3',
      '/staff/customers/%zz/log',
      '/staff/settings/templates/12abc',
      '/staff/settings/messages/invitation/12abc',
    ];
    for (const path of staffPaths) {
      const answer = await staff.request(`${path}?lang=en`);
      expect(answer.status, path).toBe(404);
      expect(visibleText(await answer.text()), path).toContain('We could not find this page.');
    }

    const customer = httpClient(platform.baseUrl, { headers: { 'Accept-Language': 'nl' } });
    await customer.formPage(`/p/${location.slug}/lookup/photos`);
    expect((await customer.post(`/p/${location.slug}/lookup/photos`, { plate: job.plate, jobNumber: job.job_number })).status).toBe(303);
    const customerPaths = ['/p/%00', `/p/${location.slug}/photos/${job.job_number}/not-a-uuid`, `/p/${location.slug}/estimate/photos/x`, '/c/%00', '/b/%00', '/p/%E0%A4%A'];
    for (const path of customerPaths) {
      const answer = await customer.request(path);
      expect(answer.status, path).toBe(404);
      expect(visibleText(await answer.text()), path).toContain('We konden deze pagina niet vinden.');
    }
    // Posting to one is a 404 as well, not a failed query.
    expect((await staff.post('/staff/settings/locations/1.5', { name: 'x' })).status).toBe(404);
  });

  it('a form body over 100 kB comes back as the form, in Dutch, with what was typed and the field marked too long; beyond 1 MB a Dutch page says what to do', async () => {
    const { location } = await createLocation(platform.db, { booking_horizon_days: 10 });
    const customer = httpClient(platform.baseUrl, { headers: { 'Accept-Language': 'nl-BE,nl;q=0.9' } });
    await customer.formPage(`/p/${location.slug}/service`);
    const email = uniqueEmail('long');
    const long = await customer.post(`/p/${location.slug}/service`, serviceRequest({ email, firstName: 'Jozefien', remarks: 'x'.repeat(150_000) }));
    expect(long.status).toBe(422);
    const page = await long.text();
    expect(page).toContain('value="Jozefien"');
    expect(page).toContain(`value="${email}"`);
    expect(visibleText(page)).toContain('Dit is te lang.');
    expect(await platform.db('leads').where({ email }).first()).toBeUndefined();

    const huge = await customer.post(`/p/${location.slug}/service`, serviceRequest({ remarks: 'x'.repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('text/html');
    expect(visibleText(await huge.text())).toContain('Wat u verstuurde is meer dan we in één keer kunnen aannemen.');
  });

  it('a field left out or sent twice is told in the customer\'s language, never with zod\'s own English', async () => {
    const { location } = await createLocation(platform.db, { booking_horizon_days: 10 });
    const customer = httpClient(platform.baseUrl, { headers: { 'Accept-Language': 'nl' } });
    await customer.formPage(`/p/${location.slug}/service`);
    const { firstName: _name, desiredDate: _date, ...leftOut } = serviceRequest();
    const answer = await customer.post(`/p/${location.slug}/service`, { ...leftOut, lastName: ['Claes', 'Peeters'] });
    expect(answer.status).toBe(422);
    const text = visibleText(await answer.text());
    expect(text).not.toMatch(/expected|received|Invalid input/i);
    expect(text).toContain('Vul dit veld in.');
    expect(text).toContain('Controleer dit veld.');

    const lookup = await customer.post(`/p/${location.slug}/lookup/status`, { plate: ['1', '2'] });
    expect(lookup.status).toBe(422);
    expect(visibleText(await lookup.text())).not.toMatch(/expected|received|Invalid input/i);
  });

  it('11 photos at once on the estimate vehicle step say "too many photos", and none is kept', async () => {
    const { location } = await createLocation(platform.db);
    const customer = httpClient(platform.baseUrl);
    const base = `/p/${location.slug}/estimate`;
    await customer.formPage(`${base}/contact?lang=en`);
    await customer.post(`${base}/contact`, { firstName: 'Tom', lastName: 'Peeters', email: uniqueEmail('eleven'), phone: '', consent: 'yes' });
    await customer.formPage(`${base}/vehicle`);
    const photo = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#345' } }).jpeg().toBuffer();
    const form = new FormData();
    form.append('plate', '1-ELV-011');
    form.append('make', 'Kia');
    for (let n = 1; n <= 11; n++) form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), `damage-${n}.jpg`);
    const answer = await customer.post(`${base}/vehicle`, form);
    expect(answer.status).toBe(422);
    const text = visibleText(await answer.text());
    expect(text).toContain('Too many photos.');
    expect(text).not.toContain('Only photos');
    expect(await platform.db('photos').count({ n: '*' }).first()).toEqual({ n: 0 });
  });
});
