import type { Knex } from 'knex';
import * as foundation from './20261124000000_foundation';
import * as jobLifecycle from './20261124100000_job_lifecycle';
import * as repairBooking from './20261124200000_repair_booking';
import * as communicationTemplates from './20261124220000_communication_templates';
import * as leadsAppointments from './20261124300000_leads_appointments';
import * as messaging from './20261125000000_messaging';
import * as checkin from './20261125100000_checkin';
import * as whatsapp from './20261125110000_whatsapp';
import * as customerVehicleMaster from './20261201000000_customer_vehicle_master';
import * as oneAppointment from './20261201100000_one_appointment';
import * as devProviderMessages from './20261201190000_dev_provider_messages';
import * as oneTemplateSystem from './20261201200000_one_template_system';
import * as customerTimeline from './20261201400000_customer_timeline';
import * as selfService from './20261201300000_self_service';
import * as aftersalesBoard from './20261202000000_aftersales_board';
import * as board from './20261202010000_board';
import * as conversations from './20261202020000_conversations';
import * as apiKeys from './20261202030000_api_keys';
import * as appointmentFileImports from './20261202040000_appointment_file_imports';
import * as dmsDatastore from './20261203000000_dms_datastore';
import * as staffListIndexes from './20261204010000_staff_list_indexes';
import * as workflowStarts from './20261204100000_workflow_starts';
import * as locationChangesNotify from './20261205000000_location_changes_notify';
import * as jobsSearchIndexes from './20261206000000_jobs_search_indexes';
import * as leadSearchIndexes from './20261206010000_lead_search_indexes';

/**
 * Every migration, in order. Listed here rather than read from the folder so
 * they load the same under tsx, vitest and any bundler. A new migration is a
 * new timestamped file plus one line here; landed ones are never edited.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261124000000_foundation': foundation,
  '20261124100000_job_lifecycle': jobLifecycle,
  '20261124200000_repair_booking': repairBooking,
  '20261124220000_communication_templates': communicationTemplates,
  '20261124300000_leads_appointments': leadsAppointments,
  '20261125000000_messaging': messaging,
  '20261125100000_checkin': checkin,
  '20261125110000_whatsapp': whatsapp,
  '20261201000000_customer_vehicle_master': customerVehicleMaster,
  '20261201100000_one_appointment': oneAppointment,
  '20261201190000_dev_provider_messages': devProviderMessages,
  '20261201200000_one_template_system': oneTemplateSystem,
  '20261201400000_customer_timeline': customerTimeline,
  '20261201300000_self_service': selfService,
  '20261202000000_aftersales_board': aftersalesBoard,
  '20261202010000_board': board,
  '20261202020000_conversations': conversations,
  '20261202030000_api_keys': apiKeys,
  '20261202040000_appointment_file_imports': appointmentFileImports,
  '20261203000000_dms_datastore': dmsDatastore,
  '20261204010000_staff_list_indexes': staffListIndexes,
  '20261204100000_workflow_starts': workflowStarts,
  '20261205000000_location_changes_notify': locationChangesNotify,
  '20261206000000_jobs_search_indexes': jobsSearchIndexes,
  '20261206010000_lead_search_indexes': leadSearchIndexes,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};
