import type { Client } from '@temporalio/client';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { createBookingActivities } from './bookings';
import { createJobActivities } from './jobs';
import { createMailActivities } from './mail';
import { createInvitationActivities } from './mail/invitation';
import type { Transporter } from './mail/transport';

export interface ActivityDeps {
  db: Knex;
  transport: Transporter;
  i18n: i18n;
  publicUrl: string;
  mailFrom: string;
  /** for activities that talk to other workflows (a repair booking sets its job's appointment) */
  temporal: Client;
  taskQueue: string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createBookingActivities(deps),
    ...createJobActivities(deps),
    ...createMailActivities(deps),
    ...createInvitationActivities(deps),
  };
}
