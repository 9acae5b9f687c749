import { createHmac } from 'node:crypto';
import path from 'node:path';
import ms from 'ms';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { appRoot } from './appRoot';
import { fallbackPhoneRegion, isPhoneRegion } from './phones';

/** Project root (lib/appRoot.ts): every relative path in the configuration is resolved from here. */
export const ROOT = appRoot;

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const parsed = ms(value as ms.StringValue);
      if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed <= 0) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration such as 15m, 30s or 2h` });
        return z.NEVER;
      }
      return parsed;
    });

/** 'dev' keeps SMS in the database (development), 'http' posts them to a gateway, 'none' has no SMS. */
export const smsProviders = ['dev', 'http', 'none'] as const;
/** 'dev' keeps WhatsApp messages in the database (development), 'cloud' sends them by Meta's Cloud API, 'none' has no WhatsApp. */
export const whatsappProviders = ['dev', 'cloud', 'none'] as const;
const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);
/** The development provider was called 'outbox' before sent_messages became the one outbox; that spelling still works. */
const providerValue = (value: unknown) => (value === 'outbox' ? 'dev' : unsetWhenEmpty(value));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).default(10),
  // LISTEN needs a session of its own: behind a transaction-mode pooler, PostgreSQL itself (or a session-mode pool). Defaults to DATABASE_URL.
  DATABASE_LISTEN_URL: z.preprocess(unsetWhenEmpty, z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL').optional()),
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('workshop'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').default('smtp://localhost:1025'),
  MAIL_FROM: z.string().default('Workshop <no-reply@workshop.local>'),
  // An empty value counts as unset (docker compose passes SESSION_SECRET= when it is not given).
  SESSION_SECRET: z.preprocess(unsetWhenEmpty, z.string().min(32, 'must be at least 32 characters').optional()),
  SESSION_IDLE_TIMEOUT: duration('30m'),
  SESSION_ABSOLUTE_TIMEOUT: duration('12h'),
  BOOKING_LINK_TTL: duration('15m'),
  UPLOAD_DIR: z.preprocess(unsetWhenEmpty, z.string().default('.data/uploads')),
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  UPLOAD_MAX_FILES: z.coerce.number().int().min(1).default(10),
  // P9: a DMS export of a million vehicles is about 150 MB.
  DMS_MAX_FILE_BYTES: z.coerce.number().int().min(1024).default(512 * 1024 * 1024),
  // C3: a short video with a check-in remark (photos keep UPLOAD_MAX_BYTES).
  CHECKIN_VIDEO_MAX_BYTES: z.coerce.number().int().min(1024).default(50 * 1024 * 1024),
  // C3: what one check-in keeps on disk, every browser's draft together (a link shared, new sessions, re-added files).
  CHECKIN_MAX_BYTES: z.coerce.number().int().min(1024).default(250 * 1024 * 1024),
  // What one client (IP) may send to the anonymous upload routes per window: disk is not for anybody to fill.
  UPLOAD_RATE_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1024 ** 4).default(500 * 1024 * 1024),
  UPLOAD_RATE_LIMIT_WINDOW: duration('1h'),
  LOOKUP_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  // W2: requests per minute one client (IP) may make to the planner API.
  API_RATE_LIMIT: z.coerce.number().int().min(1).default(120),
  TRUST_PROXY: z.string().default('false').transform((value, ctx) => {
    const trust = trustProxy(value);
    if ('refused' in trust) {
      ctx.addIssue({ code: 'custom', message: trust.refused });
      return z.NEVER;
    }
    return trust.value;
  }),
  // SMS (lib/messaging): the default provider depends on NODE_ENV, see loadConfig.
  SMS_PROVIDER: z.preprocess(providerValue, z.enum(smsProviders).optional()),
  SMS_GATEWAY_URL: z.preprocess(unsetWhenEmpty, z.url().optional()),
  SMS_GATEWAY_TOKEN: z.preprocess(unsetWhenEmpty, z.string().optional()),
  SMS_GATEWAY_TIMEOUT: duration('10s'),
  // What the phone shows as sender: up to 11 letters and digits, or a phone number.
  SMS_SENDER: z.string().regex(/^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$|^\+?[0-9]{3,15}$/, 'must be up to 11 letters and digits, or a phone number').default('Workshop'),
  SMS_DEFAULT_COUNTRY_CODE: z.string().regex(/^[1-9][0-9]{0,2}$/, 'must be a country calling code without + or 00, such as 32').default('32'),
  // WhatsApp (lib/messaging/whatsapp.ts): the default provider depends on NODE_ENV, see loadConfig.
  WHATSAPP_PROVIDER: z.preprocess(providerValue, z.enum(whatsappProviders).optional()),
  WHATSAPP_API_URL: z.preprocess(unsetWhenEmpty, z.url().optional()),
  WHATSAPP_TOKEN: z.preprocess(unsetWhenEmpty, z.string().optional()),
  WHATSAPP_API_TIMEOUT: duration('10s'),
  // D5 file imports (lib/fileSources, activities/imports): a watched folder of company 7 is IMPORT_DIR/7 unless its
  // source names a subfolder; downloaded files wait in IMPORT_DIR/.work while they are imported.
  IMPORT_DIR: z.preprocess(unsetWhenEmpty, z.string().default('.data/imports')),
  // Seals the sources' passwords and keys (lib/secrets.ts); SESSION_SECRET when not given.
  IMPORT_SECRET_KEY: z.preprocess(unsetWhenEmpty, z.string().min(32, 'must be at least 32 characters').optional()),
  // A file is complete when its size stayed the same this long (between two listings).
  IMPORT_STABLE_WAIT: duration('15s'),
  IMPORT_BATCH_ROWS: z.coerce.number().int().min(1).max(10_000).default(500),
  // One CSV record (a row, with its quoted line breaks) larger than this is refused: an unclosed quote stops there.
  IMPORT_MAX_RECORD_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  // P9: rows per DMS import batch: one transaction and one set-based merge each (bench/dms.ts measured the size).
  DMS_BATCH_ROWS: z.coerce.number().int().min(1).max(50_000).default(5000),
  IMPORT_CONNECT_TIMEOUT: duration('20s'),
  // W5 webhooks (web/webhooks): the Meta app's secret signs every POST (X-Hub-Signature-256); the verify token is
  // what we typed into the app's webhook settings (GET verification). Development defaults outside production.
  WHATSAPP_APP_SECRET: z.preprocess(unsetWhenEmpty, z.string().min(8, 'must be at least 8 characters').optional()),
  WHATSAPP_VERIFY_TOKEN: z.preprocess(unsetWhenEmpty, z.string().min(8, 'must be at least 8 characters').optional()),
  // The SMS gateway signs its inbound and status callbacks with this secret (X-Signature over "<X-Timestamp>.<body>").
  SMS_WEBHOOK_SECRET: z.preprocess(unsetWhenEmpty, z.string().min(16, 'must be at least 16 characters').optional()),
  // The region national phone numbers are read in (lib/phones.ts: "0470 12 34 56" is +32470123456 in BE).
  DEFAULT_PHONE_REGION: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? value.trim().toUpperCase() : undefined),
    z.string().refine(isPhoneRegion, 'must be a two-letter region code such as BE, NL, FR or DE').default(fallbackPhoneRegion),
  ),
});

/**
 * Express's `trust proxy`: which addresses may tell the client's address
 * (X-Forwarded-For) and protocol. Nothing by default: a client that talks
 * to us directly could otherwise name any address it likes (a new client
 * for every rate-limited attempt). A hop count, or the list of addresses
 * and subnets, checked by Express's own parser; or why the value is refused.
 */
function trustProxy(text: string): { value: false | number | string } | { refused: string } {
  const value = text.trim();
  if (['', 'false', 'none', '0'].includes(value.toLowerCase())) return { value: false };
  if (/^[1-9][0-9]?$/.test(value)) return { value: Number(value) };
  if (value.toLowerCase() === 'true') {
    return { refused: '"true" trusts every address, so any client could name its own; give the proxy\'s address (10.0.0.5, 10.0.0.0/24) or the number of proxies in front (1)' };
  }
  const list = value.split(',').map((part) => part.trim()).filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (error) {
    return { refused: `${error instanceof Error ? error.message : String(error)}: use addresses, subnets (10.0.0.0/24), loopback, linklocal, uniquelocal, a number of proxies, or false` };
  }
  return { value: list.join(', ') };
}

export type SmsProvider = (typeof smsProviders)[number];
export type WhatsappProvider = (typeof whatsappProviders)[number];

export type Config = Omit<z.infer<typeof schema>, 'SESSION_SECRET' | 'SMS_PROVIDER' | 'WHATSAPP_PROVIDER' | 'IMPORT_SECRET_KEY' | 'DATABASE_LISTEN_URL'> & {
  DATABASE_LISTEN_URL: string;
  SESSION_SECRET: string;
  IMPORT_SECRET_KEY: string;
  SMS_PROVIDER: SmsProvider;
  WHATSAPP_PROVIDER: WhatsappProvider;
};

export class ConfigError extends Error {}

/**
 * A webhook secret nobody set: the known development one outside production;
 * in production with the development provider (the demo stack) one derived
 * from SESSION_SECRET, which only the deployment's own "Reply as the customer"
 * forms know (the same in every replica); else none.
 */
function webhookSecret(development: boolean, devProvider: boolean, developmentSecret: string, sessionSecret: string): string | undefined {
  if (development) return developmentSecret;
  // Derived from the session secret, so every replica of the demo stack signs and checks alike.
  return devProvider ? createHmac('sha256', sessionSecret).update(developmentSecret).digest('hex') : undefined;
}

/**
 * The webhook secrets outside production when none is set: the dev stack's
 * "Reply as the customer" forms sign with them, so a reply goes through the
 * real webhook code. Production has no default (a webhook without its secret
 * refuses everything).
 */
export const devWebhookSecrets = {
  whatsappAppSecret: 'development-only-whatsapp-app-secret',
  whatsappVerifyToken: 'development-only-verify-token',
  smsWebhookSecret: 'development-only-sms-webhook-secret',
} as const;

/**
 * Reads and validates the environment once. A bad variable stops the process
 * with a message naming it, instead of failing later somewhere deep inside.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  let secret = config.SESSION_SECRET;
  if (!secret) {
    if (config.NODE_ENV === 'production') {
      throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required in production (at least 32 characters)');
    }
    secret = 'development-only-session-secret-do-not-use-in-production';
  }
  // Secure cookies are set only on requests known to come over HTTPS, which behind a TLS-terminating proxy only a trusted one can tell.
  if (config.NODE_ENV === 'production' && config.TRUST_PROXY === false) {
    throw new ConfigError(
      'Invalid configuration:\n  TRUST_PROXY: required in production: the address of the TLS-terminating proxy in front of the web processes (10.0.0.5, 10.0.0.0/24) or the number of proxies (1)',
    );
  }
  // Nothing leaves the machine by default outside production; production sends SMS only once a gateway is configured.
  const smsProvider = config.SMS_PROVIDER ?? (config.NODE_ENV !== 'production' ? 'dev' : config.SMS_GATEWAY_URL ? 'http' : 'none');
  if (smsProvider === 'http' && (!config.SMS_GATEWAY_URL || !config.SMS_GATEWAY_TOKEN)) {
    throw new ConfigError('Invalid configuration:\n  SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN: both required when SMS_PROVIDER is http');
  }
  // The same for WhatsApp: production sends by the Cloud API only once its endpoint is configured.
  const whatsappProvider = config.WHATSAPP_PROVIDER ?? (config.NODE_ENV !== 'production' ? 'dev' : config.WHATSAPP_API_URL ? 'cloud' : 'none');
  if (whatsappProvider === 'cloud' && (!config.WHATSAPP_API_URL || !config.WHATSAPP_TOKEN)) {
    throw new ConfigError('Invalid configuration:\n  WHATSAPP_API_URL, WHATSAPP_TOKEN: both required when WHATSAPP_PROVIDER is cloud');
  }
  // Replies and delivery reports come by webhook: in production only with secrets of the deployment's own.
  const development = config.NODE_ENV !== 'production';
  if (whatsappProvider === 'cloud' && !development && (!config.WHATSAPP_APP_SECRET || !config.WHATSAPP_VERIFY_TOKEN)) {
    throw new ConfigError(
      'Invalid configuration:\n  WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN: both required when WHATSAPP_PROVIDER is cloud (the app secret of the Meta app, and the verify token typed into its webhook settings)',
    );
  }
  return {
    ...config,
    DATABASE_LISTEN_URL: config.DATABASE_LISTEN_URL ?? config.DATABASE_URL,
    SESSION_SECRET: secret,
    SMS_PROVIDER: smsProvider,
    WHATSAPP_PROVIDER: whatsappProvider,
    WHATSAPP_APP_SECRET: config.WHATSAPP_APP_SECRET ?? webhookSecret(development, whatsappProvider === 'dev', devWebhookSecrets.whatsappAppSecret, secret),
    WHATSAPP_VERIFY_TOKEN: config.WHATSAPP_VERIFY_TOKEN ?? webhookSecret(development, whatsappProvider === 'dev', devWebhookSecrets.whatsappVerifyToken, secret),
    SMS_WEBHOOK_SECRET: config.SMS_WEBHOOK_SECRET ?? webhookSecret(development, smsProvider === 'dev', devWebhookSecrets.smsWebhookSecret, secret),
    UPLOAD_DIR: path.resolve(ROOT, config.UPLOAD_DIR),
    IMPORT_DIR: path.resolve(ROOT, config.IMPORT_DIR),
    IMPORT_SECRET_KEY: config.IMPORT_SECRET_KEY ?? secret,
  };
}
