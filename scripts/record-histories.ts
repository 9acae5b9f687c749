/**
 * Records event histories of the booking, job and invitation workflows as they are now, for the
 * replay test (test/workflows.replay.test.ts). Run it when a workflow's
 * shape changes on purpose (behind patched()), and keep the older files:
 * they are what running executions look like.
 *   npx tsx scripts/record-histories.ts [version] [only: booking,lead,checkin,message,import,conversation,dms,starts]
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import '../test/setup'; // quiet Temporal runtime logs
import { execFileSync } from 'node:child_process';
import { temporalCliPath } from '../lib/stack';
import { confirmByToken } from '../web/booking/service';
import { findPortalJob } from '../db/jobs';
import { advanceJob } from '../clients/jobLifecycle';
import { repairOptions, requestRepair } from '../web/repair/service';
import { findInvitationJob, resolveTemplate } from '../db/templates';
import { defaultInvitationRef } from '../lib/templates';
import { queueInvitation } from '../web/templates/service';
import { bookingWorkflowId } from '../workflows/booking.contract';
import { invitationWorkflowId } from '../workflows/invitation.contract';
import { jobWorkflowId } from '../workflows/jobLifecycle.contract';
import { book, bookingDeps, firstSlot, wizardFor } from '../test/support/booking';
import { createJob, createLocation } from '../test/support/fixtures';
import { startPlatformOn } from '../test/support/harness';
import { startInfrastructure } from '../test/support/infrastructure';
import { cancelAppointment, createAppointmentFromLead } from '../db/appointments';
import { findLeadSummary } from '../db/leads';
import { queueMessage } from '../db/messages';
import { cancelByCustomer, leadEvents, rejectLead, submitServiceRequest } from '../web/leads/service';
import { leadWorkflowId } from '../workflows/lead.contract';
import { appointmentCancelled, startCheckinWorkflow } from '../clients/checkinWorkflow';
import { checkinWorkflowId } from '../workflows/checkIn.contract';
import { messageWorkflowId, messageWorkflowType, type MessageWorkflow } from '../workflows/message.contract';
import { notifyInbound, replyInConversation } from '../clients/conversationWorkflow';
import { findConversation } from '../db/conversations';
import { boardAppointment } from '../test/support/conversation';
import { conversationWorkflowId, conversationWorkflowType, type ConversationWorkflow } from '../workflows/conversation.contract';

import { workflowStartsWorkflowType, type WorkflowStartsWorkflow } from '../workflows/workflowStarts.contract';
import { createImportSource, dropFile, plannerCsv, watchedFolder } from '../test/support/imports';
import { confirmDmsImport, remapDmsImport, undoDmsImport } from '../clients/dmsImport';
import { addDmsSource, findDmsSource } from '../db/dmsSources';
import { customersCsv, runReaching, uploadDmsFile } from '../test/support/dms';
import { dmsImportWorkflowId, dmsUndoWorkflowId } from '../workflows/dmsImport.contract';
import {
  appointmentImportScheduleId,
  appointmentImportScheduleWorkflowType,
  appointmentImportWorkflowId,
  type AppointmentImportScheduleWorkflow,
} from '../workflows/appointmentImport.contract';

const version = process.argv[2] ?? new Date().toISOString().slice(0, 10);
const only = process.argv[3]?.split(',');
const wanted = (group: string) => !only || only.includes(group);
const infrastructure = await startInfrastructure();
const platform = await startPlatformOn(infrastructure, { BOOKING_LINK_TTL: '3s', IMPORT_STABLE_WAIT: '1s', IMPORT_BATCH_ROWS: '5' });
try {
  const { location } = await createLocation(platform.db, { slot_capacity: 1 });
  const slot = await firstSlot(platform, location);
  const save = async (name: string, bookingId: string) => saveWorkflow(`booking-${name}`, bookingWorkflowId(bookingId));
  const saveWorkflow = async (name: string, workflowId: string) => {
    const handle = platform.temporal.workflow.getHandle(workflowId);
    await handle.result().catch(() => undefined); // a failed run is a history too
    const file = path.join(import.meta.dirname, '..', 'test', 'histories', `${name}-${version}.json`);
    // The CLI writes the same JSON the Web UI downloads.
    const json = execFileSync(temporalCliPath(), [
      'workflow', 'show', '--workflow-id', handle.workflowId, '--address', infrastructure.temporalAddress,
      '--namespace', platform.config.TEMPORAL_NAMESPACE, '--output', 'json',
    ]);
    await writeFile(file, json);
    console.log(`wrote ${file}`);
  };

  const mails = async (to: string) => {
    for (;;) {
      const all = (await (await fetch(`${infrastructure.mailApiUrl}/email`)).json()) as { to: { address: string }[]; text: string }[];
      const mail = all.find((m) => m.to[0]?.address === to);
      if (mail) return mail.text;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  if (wanted('booking')) {
    const confirmed = wizardFor(location, slot);
    const first = await book(platform, location, confirmed);
    const token = (await mails(confirmed.contact!.email)).match(/\/b\/([\w-]+)/)![1]!;
    await confirmByToken(bookingDeps(platform), token);
    await confirmByToken(bookingDeps(platform), token);
    await save('confirmed', first.bookingId);

    const taken = await book(platform, location, wizardFor(location, slot));
    await save('slot-taken', taken.bookingId);

    const { location: other } = await createLocation(platform.db);
    const expiring = await book(platform, other, wizardFor(other, await firstSlot(platform, other)));
    await save('expired', expiring.bookingId);

    // P4: a repair booking of an existing job, confirmed; then that job's D4 lifecycle to pickup.
    const { location: shop } = await createLocation(platform.db, { repair_weekdays: [1, 2, 3, 4, 5, 6, 7], booking_horizon_days: 5 });
    const job = await createJob(platform.db, shop);
    const portalJob = (await findPortalJob(platform.db, job.id))!;
    const day = (await repairOptions(bookingDeps(platform), portalJob, 'en')).days[0]!.start;
    const repair = await requestRepair(bookingDeps(platform), portalJob, day, 'en');
    if (repair.status !== 'held') throw new Error(`repair booking not held: ${repair.status}`);
    const repairToken = (await mails(repair.email)).match(/\/b\/([\w-]+)/)![1]!;
    await confirmByToken(bookingDeps(platform), repairToken);
    const repairBooking = await platform.db('bookings').where({ job_id: job.id, kind: 'repair' }).first('id');
    await save('repair-confirmed', repairBooking.id);
    const lifecycle = { db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    for (const type of ['vehicle_in', 'planned_end', 'ready_for_start', 'finished', 'picked_up'] as const) {
      await advanceJob(lifecycle, job, { type, at: new Date().toISOString() });
  }
  await saveWorkflow('job-picked-up', jobWorkflowId(job.job_number));

  // P7: an invitation e-mail from the default template.
  const invited = await createJob(platform.db, shop);
  const invitationJob = (await findInvitationJob(platform.db, shop.company_id, invited.job_number))!;
  const template = (await resolveTemplate(platform.db, shop.company_id, defaultInvitationRef('en')))!;
  const invitationDeps = { ...lifecycle, publicUrl: platform.config.PUBLIC_URL };
  const invitation = await queueInvitation(invitationDeps, invitationJob, template);
  if (!invitation.queued) throw new Error(`invitation not queued: ${invitation.error}`);
  await saveWorkflow('invitation-sent', invitationWorkflowId(invitation.invitationId));
  }

  if (wanted('lead')) {
    // D3: one lead cancelled by the customer, one rejected by e-mail, one planned whose appointment is then deleted.
    const leadDeps = { db: platform.db, temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    const { location: garage } = await createLocation(platform.db);
    const [advisor] = await platform
      .db('staff_users')
      .insert({ company_id: garage.company_id, email: `advisor-${version}@example.test`, name: 'Advisor', role: 'service_advisor', password_hash: 'x' })
      .returning('id');
    const request = (email: string) => ({
      desiredDate: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10), timeWindow: 'morning' as const, services: ['Oil change'],
      remarks: '', plate: '1-REC-001', vin: '', make: 'Opel', model: 'Astra', mileage: null, customerNumber: '', firstName: 'Rec',
      lastName: 'Order', email, phone: '0470 00 00 00', street: '', postalCode: '', city: '', consent: 'yes' as const,
    });
    const cancelled = await submitServiceRequest(leadDeps, garage, 'en', request('lead-cancel@example.test'));
    const token = (await mails('lead-cancel@example.test')).match(/\/l\/([\w-]+)/)![1]!;
    await cancelByCustomer(leadDeps, token);
    await saveWorkflow('lead-cancelled-by-customer', leadWorkflowId(cancelled));

    const rejected = await submitServiceRequest(leadDeps, garage, 'en', request('lead-reject@example.test'));
    await mails('lead-reject@example.test');
    await rejectLead(leadDeps, (await findLeadSummary(platform.db, rejected))!, {
      channel: 'email', recipient: 'lead-reject@example.test', subject: 'Sorry', body: 'Fully booked.', staffId: advisor.id,
    });
    await saveWorkflow('lead-rejected', leadWorkflowId(rejected));

    const planned = await submitServiceRequest(leadDeps, garage, 'en', request('lead-plan@example.test'));
    const startsAt = new Date(Date.now() + 2 * 86_400_000);
    const appointment = await createAppointmentFromLead(platform.db, planned, { kind: 'new_customer' }, {
      startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), notes: '', staffId: advisor.id,
    });
    await leadEvents(leadDeps).appointmentCreated(planned, appointment.id, advisor.id);
    await cancelAppointment(platform.db, garage.company_id, appointment.id);
    await leadEvents(leadDeps).appointmentDeleted(planned, advisor.id);
    await saveWorkflow('lead-appointment-deleted', leadWorkflowId(planned));
  }

  if (wanted('checkin')) {
    // D2: booked two days ahead, so the link goes at once; then the appointment is cancelled.
    const { location: garage } = await createLocation(platform.db);
    const startsAt = new Date(Date.now() + 2 * 86_400_000);
    const [appointment] = await platform
      .db('appointments')
      .insert({
        company_id: garage.company_id, location_id: garage.id, starts_at: startsAt, ends_at: new Date(startsAt.getTime() + 3_600_000),
        first_name: 'Rec', last_name: 'Order', email: 'checkin-record@example.test', language: 'en', walk_in_plate: '1-REC-002',
      })
      .returning('id');
    const checkinDeps = { temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    await startCheckinWorkflow(checkinDeps, appointment.id);
    await mails('checkin-record@example.test');
    await platform.db('appointments').where({ id: appointment.id }).update({ status: 'cancelled' });
    await appointmentCancelled(checkinDeps, appointment.id);
    await saveWorkflow('checkin-link-then-cancelled', checkinWorkflowId(appointment.id));
  }

  if (wanted('message')) {
    // M9: an appointment confirmation through the message workflow.
    const key = `record-${version}:confirmation`;
    await queueMessage(platform.db, { idempotencyKey: key, channel: 'email', kind: 'appointment_confirmation', recipient: 'record@example.test', subject: 'Confirmed', body: 'See you.' });
    await platform.temporal.workflow.start<MessageWorkflow>(messageWorkflowType, { workflowId: messageWorkflowId(key), taskQueue: platform.config.TEMPORAL_TASK_QUEUE, args: [key] });
    await saveWorkflow('message-sent', messageWorkflowId(key));

    // Refused for good (no phone number in it): marked failed, and the workflow fails.
    const refused = `record-${version}:refused`;
    await queueMessage(platform.db, { idempotencyKey: refused, channel: 'sms', kind: 'appointment_confirmation', recipient: 'no number', subject: '', body: 'See you.' });
    await platform.temporal.workflow.start<MessageWorkflow>(messageWorkflowType, { workflowId: messageWorkflowId(refused), taskQueue: platform.config.TEMPORAL_TASK_QUEUE, args: [refused] });
    await saveWorkflow('message-refused', messageWorkflowId(refused));
  }

  if (wanted('import')) {
    // D5: the hourly tick fans out to a source whose watched folder holds one planner file, imported in batches.
    const garage = (await createLocation(platform.db)).location;
    await dropFile(await watchedFolder(platform, garage.company_id), 'planning.csv', plannerCsv('REC', 12, { bad: [3] }));
    await createImportSource(platform, garage.company_id, { kind: 'folder' });
    await platform.temporal.workflow.execute<AppointmentImportScheduleWorkflow>(appointmentImportScheduleWorkflowType, {
      workflowId: appointmentImportScheduleId,
      taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
    });
    await saveWorkflow('appointment-import-tick', appointmentImportScheduleId);
    const sources = await platform.db('import_sources').where({ company_id: garage.company_id }).pluck('id');
    await saveWorkflow('appointment-import-folder', appointmentImportWorkflowId(sources[0]));
  }

  if (wanted('conversation')) {
    // W4/W5: the customer writes (Signal-With-Start), staff answer with free text and a template, then it ends idle.
    // A window and an idle time of seconds, so the run ends while we wait.
    const { location: garage } = await createLocation(platform.db);
    const { customer, phone } = await boardAppointment(platform.db, garage);
    const [row] = await platform.db('conversations').insert({ company_id: garage.company_id, customer_id: customer.id, channel: 'whatsapp', address: phone }).returning('id');
    const conversation = (await findConversation(platform.db, row.id))!;
    const deps = { temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    await platform.temporal.workflow.start<ConversationWorkflow>(conversationWorkflowType, {
      workflowId: conversationWorkflowId(conversation.id),
      taskQueue: deps.taskQueue,
      args: [{ conversationId: conversation.id, channel: 'whatsapp', windowMs: 10_000, lastInboundAt: null, lastOutboundAt: null, idleMs: 2_000 }],
    });
    await notifyInbound(deps, conversation, { inboundMessageId: 1, receivedAt: new Date().toISOString() });
    for (const freeText of [true, false]) {
      const messageKey = `record-${version}:conversation:${freeText ? 'text' : 'template'}`;
      await queueMessage(platform.db, {
        idempotencyKey: messageKey, channel: 'whatsapp', kind: 'conversation_reply', recipient: phone, subject: '', body: 'Tot straks.', session: freeText,
        template: freeText ? undefined : { name: 'conversation_followup', language: 'en', parameters: ['Rec Order', 'Garage', '1-REC-003', 'Monday'] },
        customerId: customer.id, conversationId: conversation.id,
      });
      await replyInConversation(deps, conversation, { messageKey, staffId: 1, freeText });
    }
    await saveWorkflow('conversation-replied-then-idle', conversationWorkflowId(conversation.id));
  }

  if (wanted('dms')) {
    // P9: a DMS file previewed, its mapping fixed (previewed again), imported, then undone.
    const { companyId } = await createLocation(platform.db);
    const source = (await findDmsSource(platform.db, companyId, await addDmsSource(platform.db, companyId, 'Recorded DMS')))!;
    const deps = { temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE };
    const runId = await uploadDmsFile(platform, { companyId, source, kind: 'customers', mode: 'full', content: customersCsv('REC', 3).replace('Klantnummer', 'Code') });
    await runReaching(platform, companyId, runId, ['previewed']);
    await remapDmsImport(deps, runId, { headers: { dms_id: 'Code' } });
    await runReaching(platform, companyId, runId, ['previewed']);
    await confirmDmsImport(deps, runId);
    await saveWorkflow('dms-import-remapped-imported', dmsImportWorkflowId(runId));
    await undoDmsImport(deps, runId, null);
    await saveWorkflow('dms-undo', dmsUndoWorkflowId(runId));
  }

  if (wanted('starts')) {
    // Issue 14: the workflow-start sweep over a job whose writer started nothing.
    const { location } = await createLocation(platform.db);
    await createJob(platform.db, location);
    await platform.db('workflow_starts').update({ created_at: platform.db.raw(`now() - interval '5 minutes'`) });
    const workflowId = `workflow-starts-record-${version}`;
    await platform.temporal.workflow.start<WorkflowStartsWorkflow>(workflowStartsWorkflowType, { workflowId, taskQueue: platform.config.TEMPORAL_TASK_QUEUE });
    await saveWorkflow('workflow-starts-swept', workflowId);
  }
} finally {
  await platform.close();
  await infrastructure.stop();
}
