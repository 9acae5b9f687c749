/**
 * D4 rules, pure: which lifecycle event may happen in which state. The job
 * workflow validates every Update with them; pages only show their result.
 */
export const jobSteps = ['new', 'appointment', 'vehicle_in', 'work_started', 'waiting_customer', 'finished', 'picked_up'] as const;
export type JobStep = (typeof jobSteps)[number];

export const jobEventTypes = [
  'appointment',
  'appointment_cancelled',
  'vehicle_in',
  'ready_for_start',
  'activity_started',
  'waiting_for_customer',
  'customer_answered',
  'planned_end',
  'finished',
  'picked_up',
] as const;
export type JobEventType = (typeof jobEventTypes)[number];

export interface JobEvent {
  type: JobEventType;
  /** ISO instant */
  at: string;
}

export interface JobDates {
  appointment: string | null;
  vehicle_in: string | null;
  ready_for_start: string | null;
  first_activity: string | null;
  planned_end: string | null;
  finished: string | null;
  picked_up: string | null;
}

export interface JobSnapshot {
  step: JobStep;
  dates: JobDates;
  onSite: boolean;
}

/** Why an event is refused; a translation key under jobs.refused.* */
export type Refusal =
  | 'needsAppointment'
  | 'needsVehicleIn'
  | 'needsWorkStarted'
  | 'needsFinished'
  | 'vehicleAlreadyIn'
  | 'alreadyRecorded'
  | 'pickedUp'
  | 'waitingForCustomer';

export const newJob = (): JobSnapshot => ({
  step: 'new',
  dates: {
    appointment: null,
    vehicle_in: null,
    ready_for_start: null,
    first_activity: null,
    planned_end: null,
    finished: null,
    picked_up: null,
  },
  onSite: false,
});

const rank = (step: JobStep) => jobSteps.indexOf(step);

/** Where work resumes after a pause for the customer (W3): started if it had started, else just in. */
const resumedStep = (dates: JobDates): JobStep => (dates.ready_for_start !== null || dates.first_activity !== null ? 'work_started' : 'vehicle_in');

export function applyJobEvent(job: JobSnapshot, event: JobEvent): { ok: true; job: JobSnapshot } | { ok: false; refusal: Refusal } {
  if (job.step === 'picked_up') return { ok: false, refusal: 'pickedUp' };
  const dates = { ...job.dates };
  const next = (step: JobStep, onSite = job.onSite) => ({ ok: true as const, job: { step, dates, onSite } });
  // Paused for a customer decision (W3 "Waiting for customer"): only the answer, or a new planned end, goes on.
  if (job.step === 'waiting_customer' && event.type !== 'customer_answered' && event.type !== 'planned_end' && event.type !== 'waiting_for_customer') {
    return { ok: false, refusal: 'waitingForCustomer' };
  }
  switch (event.type) {
    case 'appointment':
      // A (re)scheduled appointment only makes sense before the vehicle is in.
      if (rank(job.step) >= rank('vehicle_in')) return { ok: false, refusal: 'vehicleAlreadyIn' };
      dates.appointment = event.at;
      return next('appointment');
    case 'appointment_cancelled':
      // The appointment is withdrawn (staff, or the customer's own link, B1): the job waits for a new one.
      if (rank(job.step) >= rank('vehicle_in')) return { ok: false, refusal: 'vehicleAlreadyIn' };
      if (job.step !== 'appointment') return { ok: false, refusal: 'needsAppointment' };
      dates.appointment = null;
      return next('new');
    case 'vehicle_in':
      if (job.step === 'new') return { ok: false, refusal: 'needsAppointment' };
      if (job.step !== 'appointment') return { ok: false, refusal: 'vehicleAlreadyIn' };
      dates.vehicle_in = event.at;
      return next('vehicle_in', true);
    case 'ready_for_start':
    case 'activity_started': {
      if (rank(job.step) < rank('vehicle_in')) return { ok: false, refusal: 'needsVehicleIn' };
      const key = event.type === 'ready_for_start' ? 'ready_for_start' : 'first_activity';
      if (dates[key] !== null || rank(job.step) > rank('work_started')) return { ok: false, refusal: 'alreadyRecorded' };
      dates[key] = event.at;
      return next('work_started');
    }
    case 'waiting_for_customer':
      // Work pauses for a customer decision (extra work, a quote): the vehicle stays in.
      if (job.step === 'waiting_customer') return { ok: false, refusal: 'alreadyRecorded' };
      if (rank(job.step) < rank('vehicle_in')) return { ok: false, refusal: 'needsVehicleIn' };
      if (rank(job.step) > rank('waiting_customer')) return { ok: false, refusal: 'alreadyRecorded' };
      return next('waiting_customer');
    case 'customer_answered':
      if (job.step !== 'waiting_customer') return { ok: false, refusal: 'alreadyRecorded' };
      return next(resumedStep(dates));
    case 'planned_end':
      dates.planned_end = event.at;
      return next(job.step);
    case 'finished':
      if (job.step !== 'work_started') return { ok: false, refusal: rank(job.step) > rank('work_started') ? 'alreadyRecorded' : 'needsWorkStarted' };
      dates.finished = event.at;
      return next('finished');
    case 'picked_up':
      if (job.step !== 'finished') return { ok: false, refusal: 'needsFinished' };
      dates.picked_up = event.at;
      // P8: the pickup/off-site date clears "vehicle in".
      return next('picked_up', false);
  }
}
