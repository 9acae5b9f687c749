import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, ROOT } from './config';

const base = { DATABASE_URL: 'postgres://u:p@localhost/db' };

describe('configuration from the environment', () => {
  it('applies defaults, including the 15 minute booking link', () => {
    const config = loadConfig(base);
    expect(config.BOOKING_LINK_TTL).toBe(15 * 60_000);
    expect(config.TEMPORAL_ADDRESS).toBe('localhost:7233');
    expect(config.SESSION_SECRET.length).toBeGreaterThanOrEqual(32);
    // The tests keep their uploads in the same layout (test/support/harness.ts): under a folder whose name starts with a dot.
    expect(config.UPLOAD_DIR).toBe(path.join(ROOT, '.data', 'uploads'));
    expect(loadConfig({ ...base, UPLOAD_DIR: '' }).UPLOAD_DIR).toBe(path.join(ROOT, '.data', 'uploads'));
  });

  it('LISTENs through DATABASE_URL unless DATABASE_LISTEN_URL says otherwise (a pooler in front)', () => {
    expect(loadConfig(base).DATABASE_LISTEN_URL).toBe(base.DATABASE_URL);
    expect(loadConfig({ ...base, DATABASE_LISTEN_URL: '' }).DATABASE_LISTEN_URL).toBe(base.DATABASE_URL);
    expect(loadConfig({ ...base, DATABASE_LISTEN_URL: 'postgres://u:p@db-direct/db' }).DATABASE_LISTEN_URL).toBe('postgres://u:p@db-direct/db');
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ ...base, BOOKING_LINK_TTL: 'soon' })).toThrow(/BOOKING_LINK_TTL: "soon" is not a duration/);
    expect(() => loadConfig({ ...base, PORT: 'eighty' })).toThrow(/PORT:/);
    expect(() => loadConfig({})).toThrow(/DATABASE_URL:/);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, DATABASE_LISTEN_URL: 'pgbouncer:6432' })).toThrow(/DATABASE_LISTEN_URL: must be a postgres:\/\/ connection URL/);
    expect(() => loadConfig({ ...base, DEFAULT_PHONE_REGION: 'Belgium' })).toThrow(/DEFAULT_PHONE_REGION: must be a two-letter region code/);
    expect(loadConfig(base).DEFAULT_PHONE_REGION).toBe('BE');
    expect(loadConfig({ ...base, DEFAULT_PHONE_REGION: 'nl' }).DEFAULT_PHONE_REGION).toBe('NL');
  });

  it('requires a real session secret in production', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required in production/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: '' })).toThrow(/SESSION_SECRET: required in production/);
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32 characters/);
    expect(loadConfig({ ...base, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), TRUST_PROXY: '10.0.0.5' }).SESSION_SECRET).toBe('x'.repeat(40));
  });

  it('trusts no proxy by default, and in production only the one named', () => {
    expect(loadConfig(base).TRUST_PROXY).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: ' 10.0.0.5, 172.30.0.0/24 ' }).TRUST_PROXY).toBe('10.0.0.5, 172.30.0.0/24');
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: "true" trusts every address/);
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'my-proxy' })).toThrow(/TRUST_PROXY: invalid IP address: my-proxy/);
    const production = { ...base, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) };
    expect(() => loadConfig(production)).toThrow(/TRUST_PROXY: required in production/);
    expect(loadConfig({ ...production, TRUST_PROXY: '172.30.0.10' }).TRUST_PROXY).toBe('172.30.0.10');
  });
});
