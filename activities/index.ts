import type { Client } from '@temporalio/client';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { createBookingActivities } from './bookings';
import { createCheckinActivities } from './checkin';
import { createConversationActivities } from './conversations';
import { createHousekeepingActivities } from './housekeeping';
import { createDmsImportActivities } from './dmsImport';
import { createImportActivities, type ImportSettings } from './imports';
import { createJobActivities } from './jobs';
import { createLeadActivities } from './leads';
import { createMailActivities } from './mail';
import { createInvitationActivities } from './mail/invitation';
import type { Transporter } from './mail/transport';
import { createMessagingActivities } from './messaging';
import { createWorkflowStartActivities } from './workflowStarts';
import { devMessageStore } from '../db/devMessages';
import type { Config } from '../lib/config';
import { createMessaging, type Messaging } from '../lib/messaging';

export interface ActivityDeps {
  db: Knex;
  transport: Transporter;
  i18n: i18n;
  publicUrl: string;
  mailFrom: string;
  /** for activities that talk to other workflows (a repair booking sets its job's appointment) */
  temporal: Client;
  taskQueue: string;
  /** e-mail and SMS to customers (lib/messaging), chosen by the configuration */
  messaging: Messaging;
  /** UPLOAD_DIR, shared with the web processes: the worker removes check-in files nobody sent (D2) */
  uploadDir: string;
  /** D5 file imports: IMPORT_DIR, the key that opens the sources' secrets, batch size and waits */
  imports: ImportSettings;
}

/**
 * The activities' dependencies as the configuration says: the one wiring the
 * worker and the tests share (a test may give another task queue, or a
 * configuration with other channels).
 */
export function activityDeps(
  config: Config,
  { db, transport, i18n, temporal, taskQueue = config.TEMPORAL_TASK_QUEUE }: Pick<ActivityDeps, 'db' | 'transport' | 'i18n' | 'temporal'> & { taskQueue?: string },
): ActivityDeps {
  return {
    db,
    transport,
    i18n,
    publicUrl: config.PUBLIC_URL,
    mailFrom: config.MAIL_FROM,
    temporal,
    taskQueue,
    messaging: createMessaging(config, { devStore: devMessageStore(db), transport, mailFrom: config.MAIL_FROM }),
    uploadDir: config.UPLOAD_DIR,
    imports: importSettings(config),
  };
}

/** The file import's settings from the configuration (the web app's settings page uses the same). */
export function importSettings(config: Config): ImportSettings {
  return {
    importDir: config.IMPORT_DIR,
    secretKey: config.IMPORT_SECRET_KEY,
    stableWaitMs: config.IMPORT_STABLE_WAIT,
    batchRows: config.IMPORT_BATCH_ROWS,
    maxRecordBytes: config.IMPORT_MAX_RECORD_BYTES,
    connectTimeoutMs: config.IMPORT_CONNECT_TIMEOUT,
    dmsBatchRows: config.DMS_BATCH_ROWS,
  };
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createBookingActivities(deps),
    ...createJobActivities(deps),
    ...createCheckinActivities(deps),
    ...createLeadActivities(deps),
    ...createMailActivities(deps),
    ...createInvitationActivities(deps),
    ...createMessagingActivities(deps),
    ...createHousekeepingActivities(deps),
    ...createWorkflowStartActivities(deps),
    ...createImportActivities(deps),
    ...createConversationActivities(deps),
    ...createDmsImportActivities({ db: deps.db, dms: { uploadDir: deps.uploadDir, batchRows: deps.imports.dmsBatchRows, maxRecordBytes: deps.imports.maxRecordBytes } }),
  };
}
