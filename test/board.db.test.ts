import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardCard, boardCards, boardLocationsOf, saveBoardLocations, setCardColor } from '../db/board';
import { phoneColumns } from '../db/customers';
import { seedDemo } from '../db/seeds/demo';
import { DateTime } from 'luxon';
import { createLocation, createStaff, uniqueEmail, uniquePlate } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';

/** W3: the board of a day, read in one query (PostgreSQL). */
describe('board cards (db/board.ts)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const zone = 'Europe/Brussels';
  const day = '2026-12-02';
  // 2 December 2026 in Brussels is UTC+1.
  const at = (date: string, time: string) => new Date(`${date}T${time}:00+01:00`);

  async function world() {
    const db = platform.db;
    const { companyId, location } = await createLocation(db);
    const { location: other } = await createLocation(db, { companyId, name: 'Other Shop' });
    let n = 0;
    /** A customer, optionally their master vehicle, and an appointment; a job at `step` when given. */
    async function card(options: {
      starts: Date;
      locationId?: number;
      kind?: 'service' | 'repair' | 'estimate';
      status?: 'planned' | 'done' | 'cancelled';
      step?: string;
      pickedUpAt?: Date;
      walkIn?: boolean;
      work?: string;
    }) {
      n += 1;
      const email = uniqueEmail('board');
      const [customer] = await db('customers')
        .insert({ company_id: companyId, first_name: `Klant${n}`, last_name: 'Peeters', email, ...phoneColumns(`+32 470 00 00 ${String(n).padStart(2, '0')}`) })
        .returning('id');
      const plate = uniquePlate();
      const vehicle = options.walkIn
        ? undefined
        : (await db('vehicles').insert({ company_id: companyId, customer_id: customer.id, plate, plate_normalized: plate.replace(/-/g, ''), make: 'Opel', model: 'Corsa' }).returning('id'))[0];
      let jobId: number | null = null;
      if (options.step) {
        const vehicleId = vehicle?.id ?? (await db('vehicles').insert({ company_id: companyId, customer_id: customer.id, plate, plate_normalized: plate.replace(/-/g, '') }).returning('id'))[0].id;
        const {
          rows: [{ next }],
        } = await db.raw(`select nextval('job_number_seq') as next`);
        [{ id: jobId }] = await db('jobs')
          .insert({
            company_id: companyId, location_id: options.locationId ?? location.id, job_number: String(next), customer_id: customer.id, vehicle_id: vehicleId,
            source: 'staff', step: options.step, picked_up_at: options.pickedUpAt ?? null,
          })
          .returning('id');
      }
      const [appointment] = await db('appointments')
        .insert({
          company_id: companyId,
          location_id: options.locationId ?? location.id,
          kind: options.kind ?? 'service',
          status: options.status ?? 'planned',
          starts_at: options.starts,
          ends_at: new Date(options.starts.getTime() + 3_600_000),
          customer_id: customer.id,
          vehicle_id: vehicle?.id ?? null,
          walk_in_plate: options.walkIn ? 'WALK-1' : '',
          walk_in_make: options.walkIn ? 'Fiat' : '',
          walk_in_model: options.walkIn ? 'Panda' : '',
          first_name: `Klant${n}`,
          last_name: 'Peeters',
          email,
          phone: `+32 470 00 00 ${String(n).padStart(2, '0')}`,
          job_id: jobId,
          work_description: options.work ?? '',
          services: ['Oil change'],
        })
        .returning(['id', 'customer_id']);
      return { id: appointment.id as number, customerId: appointment.customer_id as number, jobId };
    }
    const board = (query: { day?: string; waitingOnly?: boolean; locationIds?: number[] } = {}) =>
      boardCards(db, companyId, { locationIds: query.locationIds ?? [location.id], day: query.day ?? day, zone, waitingOnly: query.waitingOnly });
    return { db, companyId, location, other, card, board };
  }

  it("shows the day's visits earliest first and those carried over that are not Completed, with what a card shows", async () => {
    const w = await world();
    const late = await w.card({ starts: at(day, '15:00'), work: 'Air-co check' });
    const early = await w.card({ starts: at(day, '08:00'), walkIn: true });
    const inService = await w.card({ starts: at(day, '10:00'), step: 'vehicle_in' });
    const oldNew = await w.card({ starts: at('2026-11-28', '09:00') });
    const oldWaiting = await w.card({ starts: at('2026-12-01', '09:00'), step: 'waiting_customer', kind: 'repair', status: 'done' });
    const oldCompleted = await w.card({ starts: at('2026-12-01', '11:00'), step: 'picked_up', pickedUpAt: at('2026-12-01', '17:00') });
    const estimate = await w.card({ starts: at(day, '09:00'), kind: 'estimate' });
    const cancelled = await w.card({ starts: at(day, '09:30'), status: 'cancelled' });
    const tomorrow = await w.card({ starts: at('2026-12-03', '08:00') });
    const elsewhere = await w.card({ starts: at(day, '08:30'), locationId: w.other.id });

    const cards = await w.board();
    expect(cards.map((c) => c.id)).toEqual([oldNew.id, oldWaiting.id, early.id, inService.id, late.id]);
    const ids = cards.map((c) => c.id);
    for (const left of [oldCompleted, estimate, cancelled, tomorrow, elsewhere]) expect(ids).not.toContain(left.id);

    const byId = new Map(cards.map((c) => [c.id, c]));
    expect(byId.get(oldWaiting.id)!.column).toBe('waiting_customer');
    expect(byId.get(inService.id)).toMatchObject({ column: 'in_service', step: 'vehicle_in', make: 'Opel', model: 'Corsa' });
    expect(byId.get(inService.id)!.job_number).toMatch(/^\d+$/);
    expect(byId.get(early.id)).toMatchObject({ column: 'new', job_id: null, plate: 'WALK-1', make: 'Fiat', model: 'Panda', location_name: 'Test Body Shop' });
    expect(byId.get(late.id)).toMatchObject({ work_description: 'Air-co check', services: ['Oil change'], first_name: expect.stringMatching(/^Klant/), color: null });
    expect(byId.get(late.id)!.email).toContain('@example.test');
  });

  it('a card completed today stays in Completed until the day is over, then leaves the board', async () => {
    const w = await world();
    const today = await w.card({ starts: at(day, '08:00'), step: 'picked_up', pickedUpAt: at(day, '16:00') });
    const fromYesterday = await w.card({ starts: at('2026-12-01', '08:00'), step: 'picked_up', pickedUpAt: at(day, '12:00') });
    const stillOpen = await w.card({ starts: at(day, '09:00'), step: 'finished' });

    const onTheDay = await w.board();
    expect(onTheDay.map((c) => [c.id, c.column])).toEqual([
      [fromYesterday.id, 'completed'],
      [today.id, 'completed'],
      [stillOpen.id, 'ready'],
    ]);
    const nextDay = await w.board({ day: '2026-12-03' });
    expect(nextDay.map((c) => c.id)).toEqual([stillOpen.id]);
  });

  it('the location filter shows only the chosen locations; the filter is remembered per staff member', async () => {
    const w = await world();
    const here = await w.card({ starts: at(day, '08:00') });
    const there = await w.card({ starts: at(day, '09:00'), locationId: w.other.id });
    expect((await w.board({ locationIds: [w.location.id] })).map((c) => c.id)).toEqual([here.id]);
    expect((await w.board({ locationIds: [w.other.id] })).map((c) => c.id)).toEqual([there.id]);
    expect((await w.board({ locationIds: [w.location.id, w.other.id] })).map((c) => c.id)).toEqual([here.id, there.id]);
    expect(await w.board({ locationIds: [] })).toEqual([]);

    await createStaff(w.db, w.companyId, 'mechanic');
    const staff = await w.db('staff_users').where({ company_id: w.companyId }).first('id', 'company_id');
    expect(await boardLocationsOf(w.db, staff.id)).toBeNull();
    await saveBoardLocations(w.db, staff, [w.other.id, 999_999]);
    expect(await boardLocationsOf(w.db, staff.id)).toEqual([w.other.id]);
    await saveBoardLocations(w.db, staff, [w.other.id, w.location.id]);
    expect(await boardLocationsOf(w.db, staff.id)).toBeNull(); // all of them: all, also the ones added later
  });

  it('unread, waiting (the W5 filter), the WhatsApp window and the note icon come from conversations and comments', async () => {
    const w = await world();
    const wrote = await w.card({ starts: at(day, '08:00') });
    const answered = await w.card({ starts: at(day, '09:00') });
    const quiet = await w.card({ starts: at(day, '10:00') });
    const inbound = new Date('2026-12-02T07:30:00Z');
    await w.db('conversations').insert([
      { company_id: w.companyId, customer_id: wrote.customerId, channel: 'whatsapp', address: '+32470000001', last_inbound_at: inbound, last_outbound_at: new Date('2026-12-01T18:00:00Z') },
      {
        company_id: w.companyId, customer_id: answered.customerId, channel: 'sms', address: '+32470000002',
        last_inbound_at: inbound, last_outbound_at: new Date('2026-12-02T07:45:00Z'), read_at: new Date('2026-12-02T07:40:00Z'),
      },
    ]);
    await w.db('appointment_comments').insert({ appointment_id: quiet.id, body: 'Customer brings the spare key.' });

    const cards = new Map((await w.board()).map((c) => [c.id, c]));
    expect(cards.get(wrote.id)).toMatchObject({ unread: true, waiting: true, has_comments: false });
    expect(cards.get(wrote.id)!.whatsapp_window_closes_at).toEqual(new Date('2026-12-03T07:30:00Z'));
    expect(cards.get(answered.id)).toMatchObject({ unread: false, waiting: false, whatsapp_window_closes_at: null });
    expect(cards.get(quiet.id)).toMatchObject({ unread: false, waiting: false, has_comments: true });

    expect((await w.board({ waitingOnly: true })).map((c) => c.id)).toEqual([wrote.id]);
    expect(await boardCard(w.db, w.companyId, wrote.id)).toEqual(cards.get(wrote.id));
    expect(await boardCard(w.db, w.companyId + 1000, wrote.id)).toBeUndefined();
  });

  it('reads a board of many cards in one query (no query per card)', async () => {
    const w = await world();
    for (let i = 0; i < 12; i++) {
      const card = await w.card({ starts: at(day, `${String(8 + (i % 9)).padStart(2, '0')}:00`), step: i % 3 === 0 ? 'vehicle_in' : undefined });
      if (i % 2 === 0) await w.db('appointment_comments').insert({ appointment_id: card.id, body: 'note' });
    }
    await w.card({ starts: at('2026-11-30', '08:00'), step: 'work_started' });
    const queries: string[] = [];
    const count = (query: { sql: string }) => queries.push(query.sql);
    w.db.on('query', count);
    try {
      expect(await w.board()).toHaveLength(13);
    } finally {
      w.db.off('query', count);
    }
    expect(queries).toHaveLength(1);
  });

  it('a colour label is saved and recorded for the open boards (W7)', async () => {
    const w = await world();
    const card = await w.card({ starts: at(day, '08:00') });
    await createStaff(w.db, w.companyId, 'receptionist');
    const staff = await w.db('staff_users').where({ company_id: w.companyId }).first('id');
    expect(await setCardColor(w.db, w.companyId, card.id, 'green', staff.id)).toBe(true);
    expect((await boardCard(w.db, w.companyId, card.id))!.color).toBe('green');
    const event = await w.db('board_events').where({ appointment_id: card.id }).orderBy('id', 'desc').first();
    expect(event).toMatchObject({ change: 'color', staff_id: staff.id });
    expect(await setCardColor(w.db, w.companyId + 1000, card.id, 'red', staff.id)).toBe(false);
    await expect(setCardColor(w.db, w.companyId, card.id, 'pink' as never, staff.id)).rejects.toThrow(/appointments_color/);
  });

  it('the demo has a board today with a card in every column, once however often it runs', async () => {
    await seedDemo(platform.db);
    await seedDemo(platform.db);
    const company = await platform.db('companies').where({ name: 'Demo Body Shop' }).first('id');
    const locations = await platform.db('locations').where({ company_id: company.id }).pluck('id');
    const cards = await boardCards(platform.db, company.id, { locationIds: locations, day: DateTime.now().setZone(zone).toISODate()!, zone });
    const demo = cards.filter((c) => c.work_description !== '');
    expect(demo).toHaveLength(7);
    expect(new Set(demo.map((c) => c.column))).toEqual(new Set(['new', 'in_service', 'waiting_customer', 'ready', 'completed']));
    expect(demo.filter((c) => c.unread && c.waiting)).toHaveLength(1);
    expect(demo.filter((c) => c.has_comments)).toHaveLength(1);
    expect(demo.filter((c) => c.customer_id === null)).toHaveLength(1);
  });
});
