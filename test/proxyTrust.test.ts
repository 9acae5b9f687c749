import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob, createLocation } from './support/fixtures';
import { httpClient } from './support/httpClient';
import { startPlatform, type Platform } from './support/platform';

/** Ten failed look-ups of plate + job number per client (LOOKUP_RATE_LIMIT, P5), each from the address a header names. */
async function failedLookups(platform: Platform, forwardedFor: (attempt: number) => string, attempts = 11) {
  const { location } = await createLocation(platform.db);
  const job = await createJob(platform.db, location);
  const statuses: number[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    const client = httpClient(platform.baseUrl, { headers: { 'X-Forwarded-For': forwardedFor(attempt) } });
    await client.formPage(`/p/${location.slug}/lookup/status?lang=en`);
    statuses.push((await client.post(`/p/${location.slug}/lookup/status`, { plate: '0-XXX-000', jobNumber: job.job_number })).status);
  }
  return statuses;
}

describe('proxy trust: by default no client can name its own address', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ LOOKUP_RATE_LIMIT: '10' }); // TRUST_PROXY as configured by default
  });
  afterAll(() => platform?.close());

  it('a different X-Forwarded-For on each attempt is still one client: the 11th failed look-up is refused', async () => {
    const statuses = await failedLookups(platform, (attempt) => `203.0.113.${attempt + 1}`);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(404));
    expect(statuses[10]).toBe(429);
  });
});

describe('proxy trust: a proxy that is really there', () => {
  let platform: Platform;
  beforeAll(async () => {
    // The test's requests come from 127.0.0.1, standing in for the proxy at that address.
    platform = await startPlatform({ LOOKUP_RATE_LIMIT: '10', TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => platform?.close());

  it("tells clients apart by the address the trusted proxy names, and limits each one", async () => {
    expect(await failedLookups(platform, (attempt) => `198.51.100.${attempt + 1}`)).toEqual(Array(11).fill(404));
    const one = await failedLookups(platform, () => '198.51.100.200');
    expect(one.slice(0, 10)).toEqual(Array(10).fill(404));
    expect(one[10]).toBe(429);
  });

  it('takes only the address the proxy appended, not one the client put before it', async () => {
    const statuses = await failedLookups(platform, (attempt) => `10.9.9.${attempt + 1}, 198.51.100.201`);
    expect(statuses[10]).toBe(429);
  });
});
