import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createBookingActivities } from '../activities/bookings';
import { insertPendingBooking, type NewBooking } from '../db/bookings';
import { createI18n } from '../lib/i18n';
import { createDb, migrate } from '../db/knex';
import { createJob, createLocation, uniqueEmail, uniquePlate } from './support/fixtures';
import { createDatabase } from './support/harness';
import { statementsDuring } from './support/plans';

/** P2, D1 (issue 14): the customer's request stored and its slot held, in as few round trips as each needs. */
describe('a booking stored and held', () => {
  let db: Knex;
  let locationId: number;

  beforeAll(async () => {
    db = createDb(await createDatabase(inject('databaseAdminUrl')), 4);
    await migrate(db);
    locationId = (await createLocation(db)).location.id;
  });
  afterAll(() => db?.destroy());

  const request = (): NewBooking => ({
    id: randomUUID(),
    location_id: locationId,
    slot_start: new Date('2026-12-10T08:00:00Z'),
    slot_end: new Date('2026-12-10T08:30:00Z'),
    language: 'nl',
    first_name: 'An',
    last_name: 'Peeters',
    email: uniqueEmail('pending'),
    phone: '+32 470 12 34 56',
    gdpr_consent_at: new Date(),
    plate: uniquePlate(),
    make: 'Opel',
    model: 'Corsa',
  });
  const photo = () => ({
    id: randomUUID(),
    content_type: 'image/jpeg',
    size_bytes: 1000,
    width: 10,
    height: 10,
    path: 'x.jpg',
    thumbnail_path: 'x-thumb.jpg',
  });

  it('without photos: the pending booking in one statement, no transaction around it', async () => {
    const booking = request();
    const sent = await statementsDuring(() => insertPendingBooking(db, booking, []));
    expect(sent.map((s) => s.text.split(' ')[0]!.toLowerCase())).toEqual(['insert']);
    expect(await db('bookings').where({ id: booking.id }).first('status', 'email', 'plate')).toEqual({ status: 'pending', email: booking.email, plate: booking.plate });
  });

  it('with photos: the booking and the photos it takes in one transaction; a photo already on a job stays there', async () => {
    const { location } = await createLocation(db);
    const { id: jobId } = await createJob(db, location);
    const mine = [photo(), photo()];
    const taken = { ...photo(), job_id: jobId };
    await db('photos').insert([...mine, taken]);
    const booking = request();
    const sent = await statementsDuring(() => insertPendingBooking(db, booking, [...mine.map((p) => p.id), taken.id]));
    expect(sent.map((s) => s.text.split(' ')[0]!.toLowerCase())).toEqual(['begin;', 'insert', 'update', 'commit;']);
    expect(await db('photos').whereIn('id', mine.map((p) => p.id)).pluck('booking_id')).toEqual([booking.id, booking.id]);
    expect(await db('photos').where({ id: taken.id }).first('booking_id', 'job_id')).toEqual({ booking_id: null, job_id: jobId });
  });

  it('the hold: one transaction of its own, no look-up before it; a booking that is not stored fails for good', async () => {
    const activities = createBookingActivities({ db, temporal: {} as Client, taskQueue: 'unused', i18n: await createI18n(), publicUrl: 'http://127.0.0.1' });
    const booking = request();
    await insertPendingBooking(db, booking, []);
    const sent = await statementsDuring(() => activities.holdSlot(booking.id, new Date(Date.now() + 3_600_000).toISOString()));
    expect(sent[0]!.text.toLowerCase()).toBe('begin;');
    expect(sent.at(-1)!.text.toLowerCase()).toBe('commit;');
    expect(sent.filter((s) => /from "bookings"/.test(s.text))).toHaveLength(1); // the locked read inside the transaction only
    expect(await db('bookings').where({ id: booking.id }).first('status')).toEqual({ status: 'held' });

    const failure = await activities.holdSlot(randomUUID(), new Date().toISOString()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'BookingNotFound', nonRetryable: true });
  });
});
