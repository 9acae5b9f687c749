import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { createBookingActivities } from './bookings';
import { createJobActivities } from './jobs';
import { createMailActivities } from './mail';
import type { Transporter } from './mail/transport';

export interface ActivityDeps {
  db: Knex;
  transport: Transporter;
  i18n: i18n;
  publicUrl: string;
  mailFrom: string;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createBookingActivities(deps),
    ...createJobActivities(deps),
    ...createMailActivities(deps),
  };
}
