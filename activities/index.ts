import type { Client } from '@temporalio/client';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { createBookingActivities } from './bookings';
import { createCheckinActivities } from './checkin';
import { createJobActivities } from './jobs';
import { createLeadActivities } from './leads';
import { createMailActivities } from './mail';
import { createInvitationActivities } from './mail/invitation';
import type { Transporter } from './mail/transport';
import { createMessagingActivities } from './messaging';
import type { Messaging } from '../lib/messaging';

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
  };
}
