import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmByToken } from '../web/booking/service';
import { book, bookingDeps, firstSlot, wizardFor } from './support/booking';
import { createLocation } from './support/fixtures';
import { confirmationLink, waitForMail } from './support/mail';
import { startPlatform, type Platform } from './support/platform';

describe('slot capacity under concurrency (P3, D1)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  it('24 customers confirming the last free slot of capacity 1 at once: one hold, one job', async () => {
    const { location } = await createLocation(platform.db, { slot_capacity: 1 });
    const slot = await firstSlot(platform, location);
    const wizards = Array.from({ length: 24 }, () => wizardFor(location, slot));

    const results = await Promise.all(wizards.map((wizard) => book(platform, location, wizard)));
    const held = results.filter((r) => r.hold.held);
    expect(held).toHaveLength(1);
    expect(results.filter((r) => !r.hold.held).every((r) => !r.hold.held && r.hold.reason === 'slot_taken')).toBe(true);

    const statuses = await platform.db('bookings').where({ location_id: location.id }).select('status');
    expect(statuses.filter((s) => s.status === 'held')).toHaveLength(1);
    expect(statuses.filter((s) => s.status === 'slot_taken')).toHaveLength(23);

    const winner = wizards[results.indexOf(held[0]!)]!;
    const token = new URL(confirmationLink(await waitForMail(winner.contact!.email))).pathname.split('/').pop()!;
    expect((await confirmByToken(bookingDeps(platform), token)).status).toBe('confirmed');
    expect(await platform.db('jobs').where({ location_id: location.id }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  it('a slot of capacity 3 takes exactly three of ten simultaneous requests', async () => {
    const { location } = await createLocation(platform.db, { slot_capacity: 3 });
    const slot = await firstSlot(platform, location);
    const results = await Promise.all(Array.from({ length: 10 }, () => book(platform, location, wizardFor(location, slot))));
    expect(results.filter((r) => r.hold.held)).toHaveLength(3);
  });
});
