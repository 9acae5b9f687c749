import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHousekeepingSchedule, housekeepingScheduleId } from '../clients/housekeeping';
import { housekeepingWorkflowType, type HousekeepingWorkflow } from '../workflows/housekeeping.contract';
import { createJob, createLocation, uniqueEmail, uniquePlate } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';

const HOUR = 3_600_000;

/**
 * The housekeeping Schedule and its workflow against the real Temporal dev
 * server, PostgreSQL and upload folder: uploads nobody will use go, nothing
 * anybody uses is touched.
 */
describe('housekeeping: abandoned uploads (real Temporal and PostgreSQL)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  const uploadDir = () => platform.config.UPLOAD_DIR;
  const onDisk = (relative: string) => existsSync(path.join(uploadDir(), relative));

  /** A stored estimate photo (picture and thumbnail on disk) uploaded `ageMs` ago, of a booking or job if given. */
  async function photo(ageMs: number, owner: { booking_id?: string; job_id?: number } = {}) {
    const id = randomUUID();
    const files = { path: `photos/${id}.jpg`, thumbnail_path: `photos/${id}-thumb.jpg` };
    await mkdir(path.join(uploadDir(), 'photos'), { recursive: true });
    for (const file of Object.values(files)) await writeFile(path.join(uploadDir(), file), 'jpeg');
    await platform.db('photos').insert({
      id, ...owner, ...files, content_type: 'image/jpeg', size_bytes: 4, width: 1, height: 1, created_at: new Date(Date.now() - ageMs),
    });
    return { id, ...files };
  }

  async function booking(locationId: number, status: string) {
    const id = randomUUID();
    await platform.db('bookings').insert({
      id, location_id: locationId, slot_start: new Date(), slot_end: new Date(Date.now() + HOUR), status,
      first_name: 'Eva', last_name: 'Jacobs', email: uniqueEmail('housekeeping'), gdpr_consent_at: new Date(), plate: uniquePlate(),
    });
    return id;
  }

  it('removes the photos of estimates never sent or expired, and old parts of interrupted uploads; keeps everything in use or recent', async () => {
    const { location } = await createLocation(platform.db);
    const job = await createJob(platform.db, location);
    const abandoned = await photo(30 * HOUR);
    const expired = await photo(30 * HOUR, { booking_id: await booking(location.id, 'expired') });
    const recent = await photo(2 * HOUR);
    const ofJob = await photo(30 * HOUR, { job_id: job.id });
    const held = await photo(30 * HOUR, { booking_id: await booking(location.id, 'held') });

    const incoming = path.join(uploadDir(), 'incoming');
    await mkdir(incoming, { recursive: true });
    const [stale, fresh] = [randomUUID(), randomUUID()];
    await writeFile(path.join(incoming, stale), 'part');
    await writeFile(path.join(incoming, fresh), 'part');
    // An upload request's own folder, left by a web process that stopped mid-request.
    const staleRequest = randomUUID();
    await mkdir(path.join(incoming, staleRequest));
    await writeFile(path.join(incoming, staleRequest, randomUUID()), 'part');
    const longAgo = new Date(Date.now() - 30 * HOUR);
    await utimes(path.join(incoming, stale), longAgo, longAgo);
    await utimes(path.join(incoming, staleRequest), longAgo, longAgo);

    const result = await platform.temporal.workflow.execute<HousekeepingWorkflow>(housekeepingWorkflowType, {
      workflowId: `housekeeping-test-${randomUUID()}`,
      taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
    });
    expect(result.incoming).toBe(2);
    expect(result.photos).toBeGreaterThanOrEqual(2); // other tests' leftovers in this database may go too

    const left = await platform.db('photos').whereIn('id', [abandoned, expired, recent, ofJob, held].map((p) => p.id)).pluck('id');
    expect(left.sort()).toEqual([recent.id, ofJob.id, held.id].sort());
    for (const gone of [abandoned, expired]) expect([onDisk(gone.path), onDisk(gone.thumbnail_path)]).toEqual([false, false]);
    for (const kept of [recent, ofJob, held]) expect([onDisk(kept.path), onDisk(kept.thumbnail_path)]).toEqual([true, true]);
    expect([existsSync(path.join(incoming, stale)), existsSync(path.join(incoming, staleRequest)), existsSync(path.join(incoming, fresh))]).toEqual([false, false, true]);
  });

  it('every worker ensures the schedule at start; the first creates it, every six hours, never two runs at once, on the task queue of the workers', async () => {
    const taskQueue = platform.config.TEMPORAL_TASK_QUEUE;
    const handle = platform.temporal.schedule.getHandle(housekeepingScheduleId);
    // A schedule left by workers of another task queue is moved to this one's.
    expect(await ensureHousekeepingSchedule(platform.temporal, 'old-queue')).toBe('created');
    expect(await ensureHousekeepingSchedule(platform.temporal, 'old-queue')).toBe('kept');
    expect(await ensureHousekeepingSchedule(platform.temporal, taskQueue)).toBe('moved');
    expect(await ensureHousekeepingSchedule(platform.temporal, taskQueue)).toBe('kept');
    const schedule = await handle.describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'housekeepingWorkflow', taskQueue });
    expect(schedule.spec.intervals).toMatchObject([{ every: 6 * HOUR }]);
    expect(schedule.policies.overlap).toBe('SKIP');
  });
});
