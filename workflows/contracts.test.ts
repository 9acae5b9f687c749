import { describe, expect, it } from 'vitest';
import {
  appointmentImportScheduleWorkflowType,
  appointmentImportWorkflowType,
  type AppointmentImportScheduleWorkflow,
  type AppointmentImportWorkflow,
} from './appointmentImport.contract';
import { bookingWorkflowType, type BookingWorkflow } from './booking.contract';
import { checkInWorkflowType, type CheckInWorkflow } from './checkIn.contract';
import { conversationWorkflowType, type ConversationWorkflow } from './conversation.contract';
import { dmsImportWorkflowType, dmsUndoWorkflowType, type DmsImportWorkflow, type DmsUndoWorkflow } from './dmsImport.contract';
import { housekeepingWorkflowType, type HousekeepingWorkflow } from './housekeeping.contract';
import { invitationWorkflowType, type InvitationWorkflow } from './invitation.contract';
import { jobLifecycleWorkflowType, type JobLifecycleWorkflow } from './jobLifecycle.contract';
import { leadWorkflowType, type LeadWorkflow } from './lead.contract';
import { messageWorkflowType, type MessageWorkflow } from './message.contract';
import { workflowStartsWorkflowType, type WorkflowStartsWorkflow } from './workflowStarts.contract';
import * as workflows from './index';

// Clients start workflows by the contract's type name and function type; the
// worker registers them by their function's name. Both must name the same
// workflow, with the same signature (checked by tsc here).
const registered = {
  [appointmentImportScheduleWorkflowType]: workflows.appointmentImportScheduleWorkflow satisfies AppointmentImportScheduleWorkflow,
  [appointmentImportWorkflowType]: workflows.appointmentImportWorkflow satisfies AppointmentImportWorkflow,
  [bookingWorkflowType]: workflows.bookingWorkflow satisfies BookingWorkflow,
  [checkInWorkflowType]: workflows.checkInWorkflow satisfies CheckInWorkflow,
  [conversationWorkflowType]: workflows.conversationWorkflow satisfies ConversationWorkflow,
  [dmsImportWorkflowType]: workflows.dmsImportWorkflow satisfies DmsImportWorkflow,
  [dmsUndoWorkflowType]: workflows.dmsUndoWorkflow satisfies DmsUndoWorkflow,
  [housekeepingWorkflowType]: workflows.housekeepingWorkflow satisfies HousekeepingWorkflow,
  [invitationWorkflowType]: workflows.invitationWorkflow satisfies InvitationWorkflow,
  [jobLifecycleWorkflowType]: workflows.jobLifecycleWorkflow satisfies JobLifecycleWorkflow,
  [leadWorkflowType]: workflows.leadWorkflow satisfies LeadWorkflow,
  [messageWorkflowType]: workflows.messageWorkflow satisfies MessageWorkflow,
  [workflowStartsWorkflowType]: workflows.workflowStartsWorkflow satisfies WorkflowStartsWorkflow,
};

describe('workflow contracts', () => {
  it('each contract names the workflow the worker registers under that name, and every workflow has one', () => {
    for (const [type, workflow] of Object.entries(registered)) expect(workflow.name).toBe(type);
    expect(Object.keys(registered).sort()).toEqual(Object.keys(workflows).sort());
  });
});
