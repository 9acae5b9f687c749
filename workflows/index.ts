export { bookingWorkflow } from './booking';
export { jobLifecycleWorkflow } from './jobLifecycle';
export { invitationWorkflow } from './invitation';
export { messageWorkflow } from './message';
export { leadWorkflow } from './lead';
export { checkInWorkflow } from './checkIn';
export { housekeepingWorkflow } from './housekeeping';
export { appointmentImportScheduleWorkflow, appointmentImportWorkflow } from './appointmentImport';
export { conversationWorkflow } from './conversation';
