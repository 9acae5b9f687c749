import type { Transporter } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { createMessaging, type DevMessageStore } from './index';

const base = { DATABASE_URL: 'postgres://u:p@localhost/db' };
const production = { ...base, NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), TRUST_PROXY: '10.0.0.5' };
const gateway = { SMS_GATEWAY_URL: 'https://sms.example.com/v1/messages', SMS_GATEWAY_TOKEN: 'secret' };
// createMessaging only keeps its dependencies; nothing is sent in these tests.
const deps = { devStore: {} as DevMessageStore, transport: {} as Transporter, mailFrom: 'Workshop <no-reply@example.test>' };

describe('SMS configuration', () => {
  it('keeps SMS on the machine outside production, and sends none in production until a gateway is set', () => {
    expect(loadConfig(base).SMS_PROVIDER).toBe('dev');
    expect(loadConfig({ ...base, ...gateway }).SMS_PROVIDER).toBe('dev');
    expect(loadConfig(production).SMS_PROVIDER).toBe('none');
    expect(loadConfig({ ...production, ...gateway }).SMS_PROVIDER).toBe('http');
    expect(loadConfig({ ...production, ...gateway, SMS_PROVIDER: 'none' }).SMS_PROVIDER).toBe('none');
    expect(loadConfig({ ...base, SMS_PROVIDER: '' }).SMS_PROVIDER).toBe('dev'); // docker compose passes unset variables as ''
    expect(loadConfig({ ...base, SMS_PROVIDER: 'outbox', WHATSAPP_PROVIDER: 'outbox' })).toMatchObject({ SMS_PROVIDER: 'dev', WHATSAPP_PROVIDER: 'dev' }); // the old name
  });

  it('has defaults for sender, country code and timeout', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({ SMS_SENDER: 'Workshop', SMS_DEFAULT_COUNTRY_CODE: '32', SMS_GATEWAY_TIMEOUT: 10_000 });
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ ...base, SMS_PROVIDER: 'http' })).toThrow(/SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN: both required/);
    expect(() => loadConfig({ ...base, SMS_PROVIDER: 'http', SMS_GATEWAY_URL: gateway.SMS_GATEWAY_URL })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, SMS_PROVIDER: 'carrier-pigeon' })).toThrow(/SMS_PROVIDER:/);
    expect(() => loadConfig({ ...base, SMS_GATEWAY_URL: 'not a url' })).toThrow(/SMS_GATEWAY_URL:/);
    expect(() => loadConfig({ ...base, SMS_SENDER: 'Garage Peeters Gent' })).toThrow(/SMS_SENDER: must be up to 11 letters and digits/);
    expect(loadConfig({ ...base, SMS_SENDER: '+32470123456' }).SMS_SENDER).toBe('+32470123456');
    expect(() => loadConfig({ ...base, SMS_DEFAULT_COUNTRY_CODE: '+32' })).toThrow(/SMS_DEFAULT_COUNTRY_CODE:/);
    expect(() => loadConfig({ ...base, SMS_GATEWAY_TIMEOUT: 'soon' })).toThrow(/SMS_GATEWAY_TIMEOUT:/);
  });
});

const cloud = {
  WHATSAPP_API_URL: 'https://graph.facebook.com/v21.0/1234567890/messages',
  WHATSAPP_TOKEN: 'EAAG-secret',
  // W5: the webhooks' secrets (replies and delivery reports)
  WHATSAPP_APP_SECRET: 'meta-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'our-verify-token',
};

describe('WhatsApp configuration', () => {
  it('keeps WhatsApp on the machine outside production, and sends none in production until the Cloud API is set', () => {
    expect(loadConfig(base).WHATSAPP_PROVIDER).toBe('dev');
    expect(loadConfig({ ...base, ...cloud }).WHATSAPP_PROVIDER).toBe('dev');
    expect(loadConfig(production).WHATSAPP_PROVIDER).toBe('none');
    expect(loadConfig({ ...production, ...cloud }).WHATSAPP_PROVIDER).toBe('cloud');
    expect(loadConfig({ ...production, ...cloud, WHATSAPP_PROVIDER: 'none' }).WHATSAPP_PROVIDER).toBe('none');
    expect(loadConfig({ ...base, WHATSAPP_PROVIDER: '', WHATSAPP_API_URL: '', WHATSAPP_TOKEN: '' }).WHATSAPP_PROVIDER).toBe('dev');
    expect(loadConfig(base).WHATSAPP_API_TIMEOUT).toBe(10_000);
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ ...base, WHATSAPP_PROVIDER: 'cloud' })).toThrow(/WHATSAPP_API_URL, WHATSAPP_TOKEN: both required/);
    expect(() => loadConfig({ ...base, WHATSAPP_PROVIDER: 'cloud', WHATSAPP_API_URL: cloud.WHATSAPP_API_URL })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, WHATSAPP_PROVIDER: 'twilio' })).toThrow(/WHATSAPP_PROVIDER:/);
    expect(() => loadConfig({ ...base, WHATSAPP_API_URL: 'graph.facebook.com' })).toThrow(/WHATSAPP_API_URL:/);
    expect(() => loadConfig({ ...base, WHATSAPP_API_TIMEOUT: 'later' })).toThrow(/WHATSAPP_API_TIMEOUT:/);
  });
});

describe('createMessaging', () => {
  it('always has e-mail; SMS by the configured provider, none with SMS_PROVIDER=none', () => {
    const dev = createMessaging(loadConfig(base), deps);
    expect(dev.email.channel).toBe('email');
    expect(dev.sms?.channel).toBe('sms');
    expect(createMessaging(loadConfig({ ...production, ...gateway }), deps).sms?.channel).toBe('sms');
    expect(createMessaging(loadConfig(production), deps).sms).toBeUndefined();
  });

  it('WhatsApp by the configured provider, none with WHATSAPP_PROVIDER=none', () => {
    expect(createMessaging(loadConfig(base), deps).whatsapp?.channel).toBe('whatsapp');
    expect(createMessaging(loadConfig({ ...production, ...cloud }), deps).whatsapp?.channel).toBe('whatsapp');
    expect(createMessaging(loadConfig(production), deps).whatsapp).toBeUndefined();
    expect(createMessaging(loadConfig({ ...base, WHATSAPP_PROVIDER: 'none' }), deps).whatsapp).toBeUndefined();
  });
});
