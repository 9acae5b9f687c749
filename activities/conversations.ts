import type { Knex } from 'knex';
import { recordReply } from '../db/conversations';

/** W4 side effects of the conversation workflow. */
export function createConversationActivities({ db }: { db: Knex }) {
  return {
    /** A staff reply (queued under `messageKey`) belongs to the conversation, which was answered now. Idempotent. */
    async recordConversationReply(conversationId: number, messageKey: string): Promise<void> {
      await recordReply(db, conversationId, messageKey);
    },
  };
}
