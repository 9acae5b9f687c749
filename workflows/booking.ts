/**
 * D1 booking confirmation (P2, P3, P4): hold the slot, send the link, wait
 * for the customer to confirm, then create the job (estimate) or give the
 * existing job its appointment (repair), or release the slot when the link
 * expires.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createBookingActivities } from '../activities/bookings';
import type { createMailActivities } from '../activities/mail';
import { confirmUpdate, holdUpdate, stateQuery, type BookingInput, type BookingState, type ConfirmOutcome, type HoldOutcome } from './booking.contract';
import { jobLifecycleWorkflow } from './jobLifecycle';
import { jobWorkflowId } from './jobLifecycle.contract';
import { newJob } from './jobSteps';
import { deliverQueuedMessage } from './retry';
import { jobNumberKey, locationKey, plateKey } from './searchAttributes.contract';

const db = proxyActivities<ReturnType<typeof createBookingActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['BookingNotFound'] },
});

const mail = proxyActivities<ReturnType<typeof createMailActivities>>({
  startToCloseTimeout: '1 minute',
  // A mail server that is down is retried, spaced out; never a burst of mails.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

/** Writing the link to the outbox: retried until the database answers. */
const outbox = proxyActivities<ReturnType<typeof createMailActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['BookingNotFound', 'LocationNotFound'] },
});

/**
 * The hold and the job row in the workflow task itself (local activities:
 * no activity task, no second workflow task before the answer): short
 * database transactions, idempotent like the others, with the same retries.
 */
const local = proxyLocalActivities<ReturnType<typeof createBookingActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['BookingNotFound'] },
});

/**
 * Added when the hold and the job row became local activities and Confirm
 * answers once the job row is written (the job number the customer sees);
 * the job's D4 workflow, its check-in workflow and the confirmation e-mail
 * start right after, no longer before the answer.
 */
export const bookingAnswersEarlyPatch = 'booking-answers-at-job-row';

/**
 * Added when the job's D4 workflow became started by the activity that starts
 * its check-in and confirmation (as every other job's D4 is started), no
 * longer as a child: one activity task after the answer instead of a child
 * start, its own workflow task and the activity.
 */
export const bookingStartsJobWorkflowsPatch = 'booking-starts-job-workflows';

/** Added when the link became an outbox message like every other (queue, then the message delivery). */
export const bookingLinkOutboxPatch = 'booking-link-outbox';

export async function bookingWorkflow({ bookingId, linkTtlMs, kind }: BookingInput): Promise<ConfirmOutcome | HoldOutcome> {
  let state: BookingState = 'holding';
  let hold: HoldOutcome | undefined;
  let confirmRequested = false;
  let outcome: ConfirmOutcome | undefined;

  setHandler(stateQuery, () => state);
  setHandler(holdUpdate, async () => {
    await condition(() => hold !== undefined);
    return hold!;
  });
  setHandler(
    confirmUpdate,
    async () => {
      confirmRequested = true;
      await condition(() => outcome !== undefined);
      return outcome!;
    },
    {
      validator: () => {
        if (state === 'slot taken') throw ApplicationFailure.nonRetryable('this booking never held a slot', 'SlotTaken');
      },
    },
  );

  const early = patched(bookingAnswersEarlyPatch);
  const expiresAt = new Date(Date.now() + linkTtlMs);
  hold = await (early ? local : db).holdSlot(bookingId, expiresAt.toISOString());
  if (!hold.held) {
    state = 'slot taken';
    await condition(allHandlersFinished);
    return hold;
  }

  state = 'awaiting confirmation';
  if (patched(bookingLinkOutboxPatch)) {
    const key = await outbox.queueBookingLinkMessage(bookingId);
    try {
      await deliverQueuedMessage(key);
    } catch (error) {
      // Not delivered (refused, or the retries ran out; the outbox row says so):
      // the customer cannot confirm, so the hold runs out as any unconfirmed one.
      if (isCancellation(error)) throw error;
    }
  } else {
    await mail.sendBookingConfirmationLink(bookingId);
  }

  const remaining = Math.max(0, expiresAt.getTime() - Date.now());
  if (!(await condition(() => confirmRequested, remaining))) {
    await db.releaseHold(bookingId);
    outcome = { status: 'expired' };
  } else if (kind === 'repair') {
    const result = await db.confirmRepairBooking(bookingId);
    if (!result.applied) await db.releaseHold(bookingId);
    outcome = result.applied ? { status: 'confirmed', jobNumber: result.jobNumber } : { status: 'refused' };
  } else if (early) {
    const job = await local.createJobRow(bookingId);
    upsertSearchAttributes([{ key: jobNumberKey, value: job.jobNumber }]);
    // The Update answers with this workflow task: the customer sees the job number while its workflows start.
    outcome = { status: 'confirmed', jobNumber: job.jobNumber };
    if (patched(bookingStartsJobWorkflowsPatch)) {
      await db.startJobWorkflows(bookingId, job.jobId, job.appointmentId);
    } else {
      await Promise.all([
        startJobLifecycle(job.jobId, job.jobNumber),
        job.appointmentId === null ? undefined : db.startJobFollowUps(bookingId, job.appointmentId),
      ]);
    }
  } else {
    const job = await db.createJobFromBooking(bookingId);
    upsertSearchAttributes([{ key: jobNumberKey, value: job.jobNumber }]);
    // D4: the new job's own lifecycle, living on after this booking ends.
    if (patched('start-job-lifecycle')) await startJobLifecycle(job.jobId, job.jobNumber);
    outcome = { status: 'confirmed', jobNumber: job.jobNumber };
  }
  state = outcome.status === 'confirmed' ? 'confirmed' : 'expired';
  await condition(allHandlersFinished);
  return outcome;
}

/** The job's D4 workflow as a child, as executions started before bookingStartsJobWorkflowsPatch start it. */
async function startJobLifecycle(jobId: number, jobNumber: string): Promise<void> {
  const attributes = workflowInfo().typedSearchAttributes;
  try {
    await startChild(jobLifecycleWorkflow, {
      workflowId: jobWorkflowId(jobNumber),
      args: [{ jobId, jobNumber, snapshot: newJob() }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: [
        { key: jobNumberKey, value: jobNumber },
        { key: plateKey, value: attributes.get(plateKey) ?? '' },
        { key: locationKey, value: attributes.get(locationKey) ?? '' },
      ],
    });
  } catch (error) {
    // Already started (a staff action may have started it first): that is the one we want.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
