/**
 * D3 lead (M1-M3): an online service request waits for staff to accept it
 * (an appointment was created) or reject it (the customer is told by e-mail
 * or SMS), or for the customer to cancel it through the link in their
 * acknowledgement. An accepted lead then waits until its appointment is
 * over; deleting the appointment meanwhile cancels the lead. Every status
 * change is written to the leads row and its history (lead_events), the
 * read model for the lead manager; this workflow is the authority.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { createLeadActivities } from '../activities/leads';
import {
  acceptUpdate,
  appointmentDeletedSignal,
  cancelByCustomerUpdate,
  leadStateQuery,
  rejectUpdate,
  type AcceptInput,
  type LeadInput,
  type LeadState,
  type LeadStatus,
  type RejectInput,
} from './lead.contract';
import { deliverQueuedMessage } from './retry';
import { followPlateChanges } from './searchAttributes';

const leads = proxyActivities<ReturnType<typeof createLeadActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['LeadNotFound'] },
});


const DAY = 24 * 60 * 60 * 1000;

export async function leadWorkflow({ leadId }: LeadInput): Promise<LeadStatus> {
  const state: LeadState = { status: 'new', acknowledged: false, appointmentId: null };
  let rejection: RejectInput | undefined;
  let appointmentDeletedBy: { staffId: number | null } | undefined;

  const mustBeNew = () => {
    if (state.status !== 'new') throw ApplicationFailure.nonRetryable(`lead ${leadId} is already ${state.status}`, 'LeadDecided', state.status);
  };
  // The status changes before the first await, so a second decision arriving
  // in the same activation already meets the new status in its validator.
  const decide = async (to: LeadStatus, staffId: number | null, note = '') => {
    const from = state.status;
    state.status = to;
    await leads.recordLeadStatus({ leadId, from, to, staffId, note });
    return to;
  };

  setHandler(leadStateQuery, () => state);
  followPlateChanges();
  setHandler(
    acceptUpdate,
    async ({ appointmentId, staffId }) => {
      state.appointmentId = appointmentId;
      return decide('planned', staffId);
    },
    { validator: (_input: AcceptInput) => mustBeNew() },
  );
  setHandler(
    rejectUpdate,
    async (input) => {
      rejection = input;
      return decide('rejected', input.staffId);
    },
    { validator: (_input: RejectInput) => mustBeNew() },
  );
  setHandler(cancelByCustomerUpdate, () => decide('cancelled_by_customer', null), { validator: mustBeNew });
  setHandler(appointmentDeletedSignal, (input) => {
    appointmentDeletedBy = input;
  });

  // The acknowledgement goes out while the lead already waits for staff; a
  // permanent failure (no such address) is logged, the lead goes on.
  const acknowledgement = (async () => {
    const key = await leads.queueLeadAcknowledgement(leadId);
    if (!key) return;
    await deliverQueuedMessage(key);
    state.acknowledged = true;
  })().catch((error: unknown) => log.warn('lead acknowledgement not delivered', { leadId, error: String(error) }));

  await condition(() => state.status !== 'new');
  await condition(allHandlersFinished);

  if (state.status === 'rejected' && rejection) {
    // A message refused for good (no such number) or given up stays in the outbox as failed, with its reason; the lead is rejected all the same.
    await deliverQueuedMessage(rejection.messageKey).catch((error: unknown) =>
      log.warn('lead rejection not delivered', { leadId, error: String(error) }),
    );
  } else if (state.status === 'planned' && state.appointmentId !== null) {
    // Wait for the appointment to be deleted, or to be over (a moved one is looked up again).
    let deleted = false;
    for (;;) {
      const endsAt = await leads.appointmentEnd(state.appointmentId);
      if (endsAt === null) {
        deleted = true; // deleted, and the signal has not (yet) reached us
        break;
      }
      const wait = Date.parse(endsAt) + DAY - Date.now();
      if (wait <= 0) break;
      if (await condition(() => appointmentDeletedBy !== undefined, wait)) {
        deleted = true;
        break;
      }
    }
    if (deleted) await decide('cancelled', appointmentDeletedBy?.staffId ?? null);
  }
  await acknowledgement;
  return state.status;
}
