export { bookingWorkflow } from './booking';
export { jobLifecycleWorkflow } from './jobLifecycle';
export { invitationWorkflow } from './invitation';
