import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const base = { DATABASE_URL: 'postgres://u:p@localhost/db' };

describe('configuration from the environment', () => {
  it('applies defaults, including the 15 minute booking link', () => {
    const config = loadConfig(base);
    expect(config.BOOKING_LINK_TTL).toBe(15 * 60_000);
    expect(config.TEMPORAL_ADDRESS).toBe('localhost:7233');
    expect(config.SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ ...base, BOOKING_LINK_TTL: 'soon' })).toThrow(/BOOKING_LINK_TTL: "soon" is not a duration/);
    expect(() => loadConfig({ ...base, PORT: 'eighty' })).toThrow(/PORT:/);
    expect(() => loadConfig({})).toThrow(/DATABASE_URL:/);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
  });

  it('requires a real session secret in production', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required in production/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: '' })).toThrow(/SESSION_SECRET: required in production/);
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32 characters/);
    expect(loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }).SESSION_SECRET).toBe('x'.repeat(40));
  });
});
