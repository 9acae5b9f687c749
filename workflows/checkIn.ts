/**
 * D2 check-in (C1, W1): three days before an appointment the customer gets
 * the link to the online check-in page by their preferred channel; one day
 * before, a reminder (WhatsApp where the company has it, else SMS or
 * e-mail). Both moments are durable timers at the appointment's local time
 * (computed by an activity in the location's time zone, so a daylight-saving
 * change in between moves nothing). An appointment booked later than a
 * moment gets that message at once; a moved appointment (the `reschedule`
 * Signal) moves the moments still to come; a cancelled one sends nothing
 * more. The workflow ends when the appointment begins (or is cancelled),
 * removing the photos and videos of remarks the customer never sent.
 */
import { condition, patched, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { createCheckinActivities, CheckinPlan } from '../activities/checkin';
import { cancelCheckinSignal, checkinStateQuery, rescheduleSignal, type CheckinInput, type CheckinOutcome, type CheckinState } from './checkIn.contract';
import { deliverQueuedMessage } from './retry';

const checkin = proxyActivities<ReturnType<typeof createCheckinActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * The plan and the queueing of a message as local activities: short reads and
 * one idempotent outbox write, run inside the workflow task, so a new
 * check-in reaches its first timer in two workflow tasks instead of five
 * (only the delivery, which calls a provider and is retried spaced out, is an
 * activity task of its own). Same timeout and retries as before.
 */
const local = proxyLocalActivities<ReturnType<typeof createCheckinActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Added when the plan and the queueing became local activities and a moment
 * already due is acted on at once, without a zero-length timer; executions
 * started before keep their activity tasks and timers.
 */
export const checkinLocalStepsPatch = 'checkin-local-steps';

export async function checkInWorkflow({ appointmentId }: CheckinInput): Promise<CheckinOutcome> {
  const state: CheckinState = { startsAt: null, sent: [], next: null };
  let moved = false;
  let cancelled = false;
  setHandler(checkinStateQuery, () => state);
  setHandler(rescheduleSignal, () => {
    moved = true;
  });
  setHandler(cancelCheckinSignal, () => {
    cancelled = true;
  });

  const localSteps = patched(checkinLocalStepsPatch);
  const steps = localSteps ? local : checkin;
  let plan: CheckinPlan | null = await steps.checkinPlan(appointmentId);
  // What is still to be sent for the current plan.
  let linkDue = true;
  let reminderDue = true;

  while (plan && !cancelled) {
    state.startsAt = plan.startsAt;
    const now = Date.now();
    const next: CheckinState['next'] = linkDue
      ? { kind: 'link', at: plan.linkAt }
      : reminderDue
        ? { kind: 'reminder', at: plan.reminderAt }
        : { kind: 'appointment', at: plan.startsAt };
    state.next = next;
    const wait = Math.max(0, Date.parse(next.at) - now);
    // A moment already due: at once (the patched code waits on no zero-length timer for it).
    const woken = wait === 0 && localSteps ? moved || cancelled : await condition(() => moved || cancelled, wait);
    if (woken) {
      if (cancelled) break;
      moved = false;
      const previous = plan;
      plan = await steps.checkinPlan(appointmentId);
      // Moments of the new plan still to come are due again, once; moments already past stay done.
      if (plan && plan.startsAt !== previous.startsAt) {
        if (Date.parse(plan.linkAt) > Date.now()) linkDue = true;
        if (Date.parse(plan.reminderAt) > Date.now()) reminderDue = true;
      }
      continue;
    }
    if (next.kind === 'appointment') break;

    const key =
      next.kind === 'link'
        ? await steps.queueCheckinLink(appointmentId, plan.startsAt)
        : await steps.queueCheckinReminder(appointmentId, plan.startsAt);
    if (key) {
      // A message refused for good (no such number) is marked failed in the outbox; the appointment goes on.
      const delivered = await deliverQueuedMessage(key).then(
        () => true,
        () => false,
      );
      if (delivered) state.sent.push({ kind: next.kind, at: new Date().toISOString(), key });
    }
    if (next.kind === 'link') {
      linkDue = false;
      // Booked after the reminder's moment: the link just sent is the reminder.
      if (Date.parse(plan.reminderAt) <= Date.now()) reminderDue = false;
    } else {
      reminderDue = false;
    }
  }
  state.next = null;
  // Check-in is over: files uploaded with remarks that were never sent go (added later: earlier runs end without).
  if (patched('checkin-discard-unsent-files')) await checkin.discardUnsentCheckinFiles(appointmentId);
  if (cancelled || !plan) {
    state.startsAt = null;
    return 'cancelled';
  }
  return 'started';
}
