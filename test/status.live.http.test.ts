import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceJob } from '../clients/jobLifecycle';
import { createJob, createLocation } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

/** An open live status page: the events it has received so far. */
function openStream(url: string, cookie: string) {
  const events: string[] = [];
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  let buffer = '';
  const req = http.get(url, { headers: { cookie, accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.includes(': connected')) connected();
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (event.startsWith('event: timeline')) events.push(event.replace(/^data: /gm, ''));
      }
    });
  });
  req.on('error', () => undefined);
  return { events, ready, close: () => req.destroy() };
}

describe('live status pages (P5): one change, rendered once per language, to the pages of that job only', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(() => platform?.close());

  /** A visitor who proved plate + job number, in `language`: their session cookie. */
  async function visitor(baseUrl: string, slug: string, plate: string, jobNumber: string, language: string) {
    const client = httpClient(baseUrl);
    await client.formPage(`/p/${slug}/lookup/status?lang=${language}`);
    const proved = await client.post(`/p/${slug}/lookup/status`, { plate, jobNumber });
    expect(proved.status).toBe(303);
    return client.cookieHeader();
  }

  it('gives each open page its own job in its own language, on both web replicas', async () => {
    const { location } = await createLocation(platform.db);
    const deps = { db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    const job = await createJob(platform.db, location, '1-LIV-101');
    const other = await createJob(platform.db, location, '1-LIV-102');
    for (const j of [job, other]) await advanceJob(deps, j, { type: 'appointment', at: new Date().toISOString() });
    const replica = await platform.startWebReplica();

    const events = (baseUrl: string, number: string) => `${baseUrl}/p/${location.slug}/status/${number}/events`;
    const english = [
      openStream(events(platform.baseUrl, job.job_number), await visitor(platform.baseUrl, location.slug, '1LIV101', job.job_number, 'en')),
      openStream(events(platform.baseUrl, job.job_number), await visitor(platform.baseUrl, location.slug, '1LIV101', job.job_number, 'en')),
    ];
    // Dutch in the same process as the English pages, and on the other replica.
    const dutchPages = [
      openStream(events(platform.baseUrl, job.job_number), await visitor(platform.baseUrl, location.slug, '1LIV101', job.job_number, 'nl')),
      openStream(events(replica.baseUrl, job.job_number), await visitor(replica.baseUrl, location.slug, '1LIV101', job.job_number, 'nl')),
    ];
    const otherJob = openStream(events(platform.baseUrl, other.job_number), await visitor(platform.baseUrl, location.slug, '1LIV102', other.job_number, 'en'));
    const streams = [...english, ...dutchPages, otherJob];
    try {
      await Promise.all(streams.map((s) => s.ready));
      await advanceJob(deps, job, { type: 'vehicle_in', at: new Date().toISOString() });
      await expect.poll(() => [...english, ...dutchPages].every((s) => s.events.length === 1), { timeout: 15_000 }).toBe(true);

      for (const page of english) {
        expect(page.events[0]).toContain('data-step="vehicle_in"');
        expect(page.events[0]).toContain('Vehicle in');
      }
      expect(english[0]!.events[0]).toBe(english[1]!.events[0]);
      for (const page of dutchPages) {
        expect(page.events[0]).toContain('Voertuig binnen');
        expect(page.events[0]).not.toContain('Vehicle in');
      }
      // The other customer's page heard nothing of this job.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(otherJob.events).toEqual([]);
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('words a job waiting for the customer for the customer, on the page as loaded and as the live update redraws it', async () => {
    const { location } = await createLocation(platform.db);
    const deps = { db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    const job = await createJob(platform.db, location, '1-LIV-103');
    const at = () => new Date().toISOString();
    for (const type of ['appointment', 'vehicle_in', 'activity_started'] as const) await advanceJob(deps, job, { type, at: at() });
    const client = httpClient(platform.baseUrl);
    await client.formPage(`/p/${location.slug}/lookup/status?lang=en`);
    expect((await client.post(`/p/${location.slug}/lookup/status`, { plate: '1LIV103', jobNumber: job.job_number })).status).toBe(303);
    const page = openStream(`${platform.baseUrl}/p/${location.slug}/status/${job.job_number}/events`, client.cookieHeader());
    try {
      await page.ready;
      await advanceJob(deps, job, { type: 'waiting_for_customer', at: at() });
      await expect.poll(() => page.events.length, { timeout: 15_000 }).toBe(1);
      const loaded = (await client.page(`/p/${location.slug}/status/${job.job_number}`)).html;
      for (const html of [loaded, page.events[0]!]) {
        expect(html).toContain('data-step="waiting_customer" aria-current="step"');
        expect(html).toContain('We are waiting for your decision');
        expect(html).not.toContain('Waiting for customer');
      }
    } finally {
      page.close();
    }
  });
});
