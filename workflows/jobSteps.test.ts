import { describe, expect, it } from 'vitest';
import { applyJobEvent, newJob, type JobEvent, type JobSnapshot } from './jobSteps';

const at = '2026-11-24T09:00:00.000Z';
function run(...types: JobEvent['type'][]): JobSnapshot {
  return types.reduce((job, type) => {
    const result = applyJobEvent(job, { type, at });
    if (!result.ok) throw new Error(`${type}: ${result.refusal}`);
    return result.job;
  }, newJob());
}
const refusal = (job: JobSnapshot, type: JobEvent['type']) => {
  const result = applyJobEvent(job, { type, at });
  return result.ok ? 'accepted' : result.refusal;
};

describe('D4 job steps', () => {
  it('goes appointment -> vehicle in -> work started -> finished -> picked up', () => {
    expect(run('appointment').step).toBe('appointment');
    expect(run('appointment', 'vehicle_in')).toMatchObject({ step: 'vehicle_in', onSite: true });
    expect(run('appointment', 'vehicle_in', 'ready_for_start').step).toBe('work_started');
    expect(run('appointment', 'vehicle_in', 'activity_started', 'ready_for_start').dates).toMatchObject({ first_activity: at, ready_for_start: at });
    const done = run('appointment', 'vehicle_in', 'ready_for_start', 'finished', 'picked_up');
    expect(done).toMatchObject({ step: 'picked_up', onSite: false });
    expect(done.dates.picked_up).toBe(at);
  });

  it('refuses steps out of order, with a reason', () => {
    expect(refusal(newJob(), 'vehicle_in')).toBe('needsAppointment');
    expect(refusal(run('appointment'), 'ready_for_start')).toBe('needsVehicleIn');
    expect(refusal(run('appointment', 'vehicle_in'), 'finished')).toBe('needsWorkStarted');
    expect(refusal(run('appointment', 'vehicle_in', 'ready_for_start'), 'picked_up')).toBe('needsFinished');
    expect(refusal(run('appointment', 'vehicle_in'), 'appointment')).toBe('vehicleAlreadyIn');
    expect(refusal(run('appointment', 'vehicle_in'), 'vehicle_in')).toBe('vehicleAlreadyIn');
    expect(refusal(run('appointment', 'vehicle_in', 'ready_for_start'), 'ready_for_start')).toBe('alreadyRecorded');
    expect(refusal(run('appointment', 'vehicle_in', 'ready_for_start', 'finished'), 'finished')).toBe('alreadyRecorded');
    expect(refusal(run('appointment', 'vehicle_in', 'ready_for_start', 'finished', 'picked_up'), 'planned_end')).toBe('pickedUp');
  });

  it('lets the appointment be moved before the vehicle is in, and the planned end be set any time before pickup', () => {
    const moved = applyJobEvent(run('appointment'), { type: 'appointment', at: '2026-11-25T09:00:00.000Z' });
    expect(moved.ok && moved.job.dates.appointment).toBe('2026-11-25T09:00:00.000Z');
    expect(refusal(newJob(), 'planned_end')).toBe('accepted');
    expect(refusal(run('appointment', 'vehicle_in', 'ready_for_start', 'finished'), 'planned_end')).toBe('accepted');
  });

  it('pauses for a customer decision while the vehicle is in, and resumes where work stood (W3)', () => {
    const waiting = run('appointment', 'vehicle_in', 'waiting_for_customer');
    expect(waiting).toMatchObject({ step: 'waiting_customer', onSite: true });
    expect(run('appointment', 'vehicle_in', 'waiting_for_customer', 'customer_answered').step).toBe('vehicle_in');
    expect(run('appointment', 'vehicle_in', 'activity_started', 'waiting_for_customer', 'customer_answered').step).toBe('work_started');
    expect(refusal(waiting, 'finished')).toBe('waitingForCustomer');
    expect(refusal(waiting, 'activity_started')).toBe('waitingForCustomer');
    expect(refusal(waiting, 'picked_up')).toBe('waitingForCustomer');
    expect(refusal(waiting, 'waiting_for_customer')).toBe('alreadyRecorded');
    expect(refusal(waiting, 'planned_end')).toBe('accepted');
    expect(refusal(run('appointment'), 'waiting_for_customer')).toBe('needsVehicleIn');
    expect(refusal(run('appointment', 'vehicle_in', 'activity_started', 'finished'), 'waiting_for_customer')).toBe('alreadyRecorded');
    expect(refusal(run('appointment', 'vehicle_in'), 'customer_answered')).toBe('alreadyRecorded');
  });
});
