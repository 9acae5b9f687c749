import { describe, expect, it } from 'vitest';
import { devWebhookSecrets, loadConfig } from './config';

const base = { DATABASE_URL: 'postgres://u:p@localhost/db' };
const production = { ...base, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), TRUST_PROXY: '10.0.0.5' };
const cloud = { WHATSAPP_API_URL: 'https://graph.facebook.com/v21.0/1234567890/messages', WHATSAPP_TOKEN: 'EAAG-secret' };

describe('webhook configuration (W5)', () => {
  it('has development secrets outside production, so the dev outboxes can sign replies', () => {
    expect(loadConfig(base)).toMatchObject({
      WHATSAPP_APP_SECRET: devWebhookSecrets.whatsappAppSecret,
      WHATSAPP_VERIFY_TOKEN: devWebhookSecrets.whatsappVerifyToken,
      SMS_WEBHOOK_SECRET: devWebhookSecrets.smsWebhookSecret,
    });
    expect(loadConfig({ ...base, WHATSAPP_APP_SECRET: 'my-own-app-secret' }).WHATSAPP_APP_SECRET).toBe('my-own-app-secret');
  });

  it('has none in production: the Cloud API needs both WhatsApp secrets; without an SMS secret the SMS webhook is off', () => {
    expect(() => loadConfig({ ...production, ...cloud })).toThrow(/WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN: both required/);
    expect(() => loadConfig({ ...production, ...cloud, WHATSAPP_APP_SECRET: 'meta-app-secret' })).toThrow(/WHATSAPP_VERIFY_TOKEN/);
    const config = loadConfig({ ...production, ...cloud, WHATSAPP_APP_SECRET: 'meta-app-secret', WHATSAPP_VERIFY_TOKEN: 'our-verify-token' });
    expect(config).toMatchObject({ WHATSAPP_PROVIDER: 'cloud', WHATSAPP_APP_SECRET: 'meta-app-secret', SMS_PROVIDER: 'none', SMS_WEBHOOK_SECRET: undefined });
    expect(loadConfig({ ...production, WHATSAPP_PROVIDER: 'none', SMS_PROVIDER: 'none' })).toMatchObject({ WHATSAPP_APP_SECRET: undefined, SMS_WEBHOOK_SECRET: undefined });
    // The demo stack (production with the development providers): a secret derived from SESSION_SECRET, never the
    // known one, the same in every replica of one deployment and another in another deployment.
    const demo = loadConfig({ ...production, WHATSAPP_PROVIDER: 'dev', SMS_PROVIDER: 'dev' });
    expect(demo.WHATSAPP_APP_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(demo.SMS_WEBHOOK_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(demo.WHATSAPP_APP_SECRET).not.toBe(devWebhookSecrets.whatsappAppSecret);
    expect(loadConfig({ ...production, WHATSAPP_PROVIDER: 'dev', SMS_PROVIDER: 'dev' }).WHATSAPP_APP_SECRET).toBe(demo.WHATSAPP_APP_SECRET);
    expect(loadConfig({ ...production, SESSION_SECRET: 'another-deployment-session-secret-0123456789', WHATSAPP_PROVIDER: 'dev' }).WHATSAPP_APP_SECRET).not.toBe(demo.WHATSAPP_APP_SECRET);
    expect(() => loadConfig({ ...base, SMS_WEBHOOK_SECRET: 'short' })).toThrow(/SMS_WEBHOOK_SECRET: must be at least 16 characters/);
  });
});
