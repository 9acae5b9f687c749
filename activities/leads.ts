import { ApplicationFailure } from '@temporalio/activity';
import type { i18n } from 'i18next';
import type { Knex } from 'knex';
import { appointmentEnd, findLeadSummary, recordLeadStatus, setLeadCancelToken } from '../db/leads';
import { findLocation } from '../db/locations';
import { messageExists, queueMessage } from '../db/messages';
import { companyText } from '../db/templates';
import { leadMessageValues } from '../lib/leadMessages';
import { renderTemplate } from '../lib/templates';
import { hashToken, newLinkToken } from '../lib/tokens';
import type { LeadStatus } from '../workflows/lead.contract';

export const leadAcknowledgementKey = (leadId: number) => `lead-${leadId}:acknowledgement`;

/** D3 side effects. Each is idempotent: a retry changes nothing more. */
export function createLeadActivities({ db, i18n, publicUrl }: { db: Knex; i18n: i18n; publicUrl: string }) {
  return {
    async recordLeadStatus(change: { leadId: number; from: LeadStatus; to: LeadStatus; staffId: number | null; note: string }): Promise<void> {
      await recordLeadStatus(db, change);
    },

    /**
     * M1/M3: writes the acknowledgement (with the customer's cancel link) into
     * the outbox and answers its key. The token exists only in that message;
     * the lead keeps its hash. Queued once: a retry answers the same key.
     */
    async queueLeadAcknowledgement(leadId: number): Promise<string | null> {
      const key = leadAcknowledgementKey(leadId);
      if (await messageExists(db, key)) return key;
      const lead = await findLeadSummary(db, leadId);
      if (!lead) throw ApplicationFailure.nonRetryable(`lead ${leadId} does not exist`, 'LeadNotFound');
      if (!lead.email) return null;
      const location = (await findLocation(db, lead.location_id))!;

      const token = newLinkToken();
      const t = i18n.getFixedT(lead.language);
      const template = await companyText(db, lead.company_id, 'lead_acknowledgement', 'email', lead.language);
      const { subject, text } = renderTemplate(template, leadMessageValues(lead, location, t, { cancelLink: `${publicUrl}/l/${token}?lang=${lead.language}` }));
      await db.transaction(async (trx) => {
        await setLeadCancelToken(trx, leadId, hashToken(token));
        await queueMessage(trx, {
          idempotencyKey: key,
          channel: 'email',
          kind: 'lead_acknowledgement',
          recipient: lead.email,
          subject,
          body: text,
          leadId,
        });
      });
      return key;
    },

    /** ISO end of the lead's appointment, or null when it was deleted. */
    async appointmentEnd(appointmentId: number): Promise<string | null> {
      return (await appointmentEnd(db, appointmentId))?.toISOString() ?? null;
    },
  };
}
