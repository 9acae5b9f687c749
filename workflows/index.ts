export { bookingWorkflow } from './booking';
export { jobLifecycleWorkflow } from './jobLifecycle';
