import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadBadge, leadManagerLookups, listLeads, type LeadFilter } from '../db/leadManager';
import { LockedPermissionError, permissionsOf, permissionTable, savePermissionTable, setPermission } from '../db/permissions';
import { createLocation, createStaff, insertLead } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

describe('M1/M4-M6: the lead manager, its permissions and its badge (PostgreSQL, HTTP)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const all: LeadFilter = { status: 'all', search: '' };
  const ids = async (companyId: number, filter: Partial<LeadFilter>) => (await listLeads(platform.db, companyId, { ...all, ...filter })).leads.map((l) => l.id).sort();

  it('filters by status, location and desired day, and searches name, e-mail, phone, plate and VIN in any notation', async () => {
    const db = platform.db;
    const { companyId, location: ghent } = await createLocation(db);
    const { location: brussels } = await createLocation(db, { companyId });
    const marie = await insertLead(db, companyId, ghent.id, { email: 'marie.j@example.test', phone: '+32 (470) 12.34.56', plate: '1-ABC-123', vin: 'WVWZZZ1KZAW123456' });
    const koen = await insertLead(db, companyId, ghent.id, { first_name: 'Koen', last_name: 'Peeters', email: 'koen@example.test', phone: '09 222 33 44', plate: '2-XYZ-987', desired_date: '2026-12-05', services: ['Tyre change', 'Brakes, "front"', ''] });
    const sophie = await insertLead(db, companyId, brussels.id, { first_name: 'Sophie', last_name: 'Dubois', email: 'sd@example.test', phone: '', plate: 'AB-12-CD', desired_date: '2026-12-10' });
    const rejected = await insertLead(db, companyId, ghent.id, { first_name: 'Rita', last_name: 'Rejected', phone: '+32 9 111 11 11', status: 'rejected' });
    // Another company's lead with the same name is never shown.
    const other = await createLocation(db);
    await insertLead(db, other.companyId, other.location.id);

    expect(await ids(companyId, { status: 'new' })).toEqual([marie, koen, sophie].sort());
    expect(await ids(companyId, { status: 'rejected' })).toEqual([rejected]);
    // The row as the table shows it: the services as they were chosen, commas and quotes and all.
    expect((await listLeads(db, companyId, { ...all, search: 'peeters' })).leads).toEqual([
      expect.objectContaining({ id: koen, services: ['Tyre change', 'Brakes, "front"', ''], desired_date: '2026-12-05', location_name: ghent.name }),
    ]);
    expect(await ids(companyId, { status: 'new', locationId: brussels.id })).toEqual([sophie]);
    expect(await ids(companyId, { status: 'new', from: '2026-12-02' })).toEqual([koen, sophie].sort());
    expect(await ids(companyId, { status: 'new', from: '2026-12-02', to: '2026-12-05' })).toEqual([koen]);

    expect(await ids(companyId, { search: 'janssens marie' })).toEqual([marie]);
    expect(await ids(companyId, { search: 'Marie Jans' })).toEqual([marie]);
    expect(await ids(companyId, { search: 'MARIE.J@' })).toEqual([marie]);
    expect(await ids(companyId, { search: '0470 123456' })).toEqual([marie]);
    expect(await ids(companyId, { search: '1abc 123' })).toEqual([marie]);
    expect(await ids(companyId, { search: 'ab12cd' })).toEqual([sophie]);
    expect(await ids(companyId, { search: 'kzaw123' })).toEqual([marie]);
    expect(await ids(companyId, { search: 'peeters' })).toEqual([koen]);
    // LIKE wildcards typed by staff are plain characters.
    expect(await ids(companyId, { search: '%' })).toEqual([]);
    expect(await ids(companyId, { search: 'nobody-at-all' })).toEqual([]);
    // Newest first.
    await db('leads').where({ id: marie }).update({ created_at: db.raw(`now() + interval '1 minute'`) });
    expect((await listLeads(db, companyId, { status: 'new', search: '' })).leads[0]!.id).toBe(marie);
  });

  it('counts New leads up to ten for the badge, refreshes at the smallest setting, and knows whether anybody takes requests', async () => {
    const db = platform.db;
    const { companyId, location } = await createLocation(db, { lead_refresh_seconds: 120 });
    await createLocation(db, { companyId, lead_refresh_seconds: 45 });
    expect(await leadBadge(db, companyId)).toEqual({ newLeads: 0, refreshSeconds: 45 });
    for (let i = 0; i < 3; i++) await insertLead(db, companyId, location.id);
    await insertLead(db, companyId, location.id, { status: 'planned' });
    expect((await leadBadge(db, companyId)).newLeads).toBe(3);
    for (let i = 0; i < 9; i++) await insertLead(db, companyId, location.id);
    expect((await leadBadge(db, companyId)).newLeads).toBe(10); // 12 New: counting stops at ten ("9+")
    const lookups = (locationId?: number) => leadManagerLookups(db, companyId, { locationId, wholePage: true });
    expect((await lookups()).refreshSeconds).toBe(45);
    expect((await lookups(location.id)).refreshSeconds).toBe(120);
    expect((await leadManagerLookups(db, companyId, { locationId: location.id, wholePage: false })).refreshSeconds).toBe(120);
    // The location choices by name, the company's own only.
    const names = (await db('locations').where({ company_id: companyId }).orderBy('name').select('id', 'name')) as { id: number; name: string }[];
    expect((await lookups()).locations).toEqual(names);
    expect((await leadManagerLookups(db, companyId, { wholePage: false })).locations).toEqual([]);

    expect((await lookups()).acceptorSet).toBe(false);
    await createStaff(db, companyId, 'service_advisor');
    await db('staff_users').where({ company_id: companyId }).update({ takes_online_requests: true, active: false });
    expect((await lookups()).acceptorSet).toBe(false); // an inactive acceptor takes nothing
    await db('staff_users').where({ company_id: companyId }).update({ active: true });
    expect((await lookups()).acceptorSet).toBe(true);
  });

  it('gives roles their default permissions, lets the company override them, and never takes online booking admin from admins', async () => {
    const db = platform.db;
    const { companyId } = await createLocation(db);
    expect(await permissionsOf(db, companyId, 'admin')).toEqual({ lead_manager: true, online_booking_admin: true, edit_closed_leads: true, dms_datastore: true });
    expect(await permissionsOf(db, companyId, 'service_advisor')).toEqual({ lead_manager: true, online_booking_admin: false, edit_closed_leads: false, dms_datastore: false });
    expect(await permissionsOf(db, companyId, 'receptionist')).toEqual({ lead_manager: true, online_booking_admin: false, edit_closed_leads: false, dms_datastore: false });
    expect(await permissionsOf(db, companyId, 'mechanic')).toEqual({ lead_manager: false, online_booking_admin: false, edit_closed_leads: false, dms_datastore: false });

    await setPermission(db, companyId, 'mechanic', 'lead_manager', true);
    await setPermission(db, companyId, 'receptionist', 'lead_manager', false);
    expect((await permissionsOf(db, companyId, 'mechanic')).lead_manager).toBe(true);
    expect((await permissionsOf(db, companyId, 'receptionist')).lead_manager).toBe(false);
    // Another company keeps the defaults.
    const other = await createLocation(db);
    expect((await permissionsOf(db, other.companyId, 'mechanic')).lead_manager).toBe(false);

    // Back to the default: no row is left, so "no row" keeps meaning "the default".
    await setPermission(db, companyId, 'mechanic', 'lead_manager', false);
    expect(await db('role_permissions').where({ company_id: companyId, role: 'mechanic' })).toEqual([]);

    await expect(setPermission(db, companyId, 'admin', 'online_booking_admin', false)).rejects.toBeInstanceOf(LockedPermissionError);
    const table = await permissionTable(db, companyId);
    table.admin.online_booking_admin = false;
    table.admin.edit_closed_leads = false;
    await savePermissionTable(db, companyId, table);
    expect(await permissionsOf(db, companyId, 'admin')).toEqual({ lead_manager: true, online_booking_admin: true, edit_closed_leads: false, dms_datastore: true });
    expect((await permissionsOf(db, companyId, 'receptionist')).lead_manager).toBe(false); // the table keeps what it does not change
    // Only choices that differ from the defaults are rows.
    expect(await db('role_permissions').where({ company_id: companyId }).orderBy(['role', 'permission']).select('role', 'permission', 'allowed')).toEqual([
      { role: 'admin', permission: 'edit_closed_leads', allowed: false },
      { role: 'receptionist', permission: 'lead_manager', allowed: false },
    ]);

    // Two admins saving at once: the second waits for the first (the company's row lock), then saves its table whole.
    const mechanicsIn = await permissionTable(db, companyId);
    mechanicsIn.mechanic.lead_manager = true;
    const first = await db.transaction();
    await first('companies').where({ id: companyId }).forNoKeyUpdate().first('id'); // as a save does
    let saved = false;
    const second = savePermissionTable(db, companyId, mechanicsIn).then(() => (saved = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(saved).toBe(false);
    await first.commit();
    await second;
    expect(await permissionTable(db, companyId)).toEqual(mechanicsIn);
  });

  it('the server refuses: a mechanic the lead manager, an advisor editing a rejected lead until admin allows it', async () => {
    const db = platform.db;
    const { companyId, location } = await createLocation(db);
    const mechanic = await createStaff(db, companyId, 'mechanic');
    const advisor = await createStaff(db, companyId, 'service_advisor');
    const admin = await createStaff(db, companyId, 'admin');

    const asMechanic = httpClient(platform.baseUrl);
    await asMechanic.login(mechanic.email, mechanic.password);
    expect((await asMechanic.request('/staff/leads')).status).toBe(403);
    const hx = await asMechanic.request('/staff/leads?q=x', { headers: { 'HX-Request': 'true' } });
    expect(hx.status).toBe(403);
    expect(await hx.text()).toContain('You do not have permission to do this.');
    expect((await asMechanic.request('/staff/leads/badge', { headers: { 'HX-Request': 'true' } })).status).toBe(286); // stops its polling
    expect(await (await asMechanic.request('/staff/jobs')).text()).not.toContain('href="/staff/leads"');

    const rejected = await insertLead(db, companyId, location.id, { status: 'rejected', first_name: 'Rita', last_name: 'Closed' });
    const edit = {
      first_name: 'Rita',
      last_name: 'Changed',
      email: 'rita@example.test',
      phone: '+32 470 00 00 00',
      street: '',
      postal_code: '',
      city: '',
      customer_number: '',
      plate: '1-RIT-001',
      vin: '',
      make: 'Fiat',
      model: '500',
      mileage: '12.000',
      remarks: '',
    };
    const asAdvisor = httpClient(platform.baseUrl);
    await asAdvisor.login(advisor.email, advisor.password);
    // Without JavaScript the filters are a GET form answered with the whole page; htmx gets only the table.
    const full = await (await asAdvisor.request('/staff/leads?status=all&q=closed')).text();
    expect(full).toContain('<html');
    expect(full).toContain('Rita Closed');
    const fragment = await (await asAdvisor.request('/staff/leads?status=all&q=closed', { headers: { 'HX-Request': 'true' } })).text();
    expect(fragment).not.toContain('<html');
    expect(fragment.trimStart()).toMatch(/^<div id="lead-table"/);
    expect(fragment).toContain('Rita Closed');
    expect(await (await asAdvisor.request('/staff/leads?q=closed')).text()).not.toContain('Rita Closed'); // New by default

    const page = await (await asAdvisor.request(`/staff/leads/${rejected}?lang=en`)).text();
    expect(page).toContain('can no longer be changed');
    expect(page).not.toContain(`action="/staff/leads/${rejected}"`);
    expect((await asAdvisor.post(`/staff/leads/${rejected}`, edit)).status).toBe(403);
    expect(await db('leads').where({ id: rejected }).first()).toMatchObject({ last_name: 'Closed', make: '' });
    // Admin-only pages stay closed to the advisor.
    expect((await asAdvisor.post('/staff/settings/permissions', { grant_service_advisor_edit_closed_leads: 'on' })).status).toBe(403);
    expect((await asAdvisor.request('/staff/settings/online-booking')).status).toBe(403);

    const asAdmin = httpClient(platform.baseUrl);
    await asAdmin.login(admin.email, admin.password);
    const saved = await asAdmin.post('/staff/settings/permissions', {
      grant_admin_lead_manager: 'on',
      grant_admin_edit_closed_leads: 'on',
      grant_service_advisor_lead_manager: 'on',
      grant_service_advisor_edit_closed_leads: 'on',
      grant_receptionist_lead_manager: 'on',
    });
    expect(saved.status).toBe(303);
    expect(await permissionsOf(db, companyId, 'service_advisor')).toEqual({ lead_manager: true, online_booking_admin: false, edit_closed_leads: true, dms_datastore: false });
    expect((await permissionsOf(db, companyId, 'admin')).online_booking_admin).toBe(true); // its box is disabled, never posted

    // A wrong field re-renders the form with the message beside it and the typed input kept.
    const invalid = await asAdvisor.post(`/staff/leads/${rejected}?lang=en`, { ...edit, vin: 'TOO-SHORT', email: 'not-an-email' });
    expect(invalid.status).toBe(422);
    const form = await invalid.text();
    expect(form).toContain('A VIN has 17 letters and digits');
    expect(form).toContain('value="not-an-email"');
    expect(form).toContain('value="Changed"');

    const ok = await asAdvisor.post(`/staff/leads/${rejected}`, edit);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/staff/leads/${rejected}?saved=1`);
    expect(await db('leads').where({ id: rejected }).first()).toMatchObject({ last_name: 'Changed', make: 'Fiat', mileage: 12000, status: 'rejected' });
  });

  it('online booking settings: refresh between 10 and 3600 with a clear message, catalogue per line, acceptors and SMS saved', async () => {
    const db = platform.db;
    const { companyId, location } = await createLocation(db);
    const admin = await createStaff(db, companyId, 'admin');
    await createStaff(db, companyId, 'service_advisor');
    const advisor = await db('staff_users').where({ company_id: companyId, role: 'service_advisor' }).first('id');
    const asAdmin = httpClient(platform.baseUrl);
    await asAdmin.login(admin.email, admin.password);

    const refused = await asAdmin.post('/staff/settings/online-booking?lang=en', { [`refresh_${location.id}`]: '5', [`catalogue_${location.id}`]: 'Oil change' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('Enter a whole number of seconds between 10 and 3600.');
    expect((await db('locations').where({ id: location.id }).first()).lead_refresh_seconds).toBe(60);

    const saved = await asAdmin.post('/staff/settings/online-booking', {
      [`enabled_${location.id}`]: 'on',
      [`refresh_${location.id}`]: '15',
      [`catalogue_${location.id}`]: ' Oil change \r\n\r\nTyre change\r\nOil change\r\n',
      acceptors: [String(advisor.id), '999999'],
      sms_enabled: 'on',
    });
    expect(saved.status).toBe(303);
    expect(await db('locations').where({ id: location.id }).first()).toMatchObject({
      service_booking_enabled: true,
      lead_refresh_seconds: 15,
      service_catalogue: ['Oil change', 'Tyre change'],
    });
    expect(await db('staff_users').where({ company_id: companyId, takes_online_requests: true }).pluck('id')).toEqual([advisor.id]);
    expect((await db('companies').where({ id: companyId }).first()).sms_enabled).toBe(true);
  });
});
