import type { Knex } from 'knex';
import type { DevMessageStore } from '../lib/messaging';

// What the development SMS and WhatsApp providers would have sent
// (SMS_PROVIDER / WHATSAPP_PROVIDER = dev): nothing leaves the machine,
// staff read them at /staff/messages/dev-sms and /staff/messages/dev-whatsapp.
// Not an outbox: every message to a customer is a sent_messages row
// (db/messages.ts); these tables are what a provider received.

/** Inserts a row unless one with its reference exists (a retried send); answers the row's id either way. */
async function storeOnce(db: Knex, table: 'dev_sms_messages' | 'dev_whatsapp_messages', row: { reference: string | null } & Record<string, unknown>): Promise<number> {
  const [inserted] = await db(table).insert(row).onConflict('reference').ignore().returning('id');
  if (inserted) return inserted.id;
  const existing = await db(table).where({ reference: row.reference }).first('id');
  return existing.id;
}

/** The store lib/messaging's development providers write to, over this database. */
export function devMessageStore(db: Knex): DevMessageStore {
  return {
    storeSms: (sms) => storeOnce(db, 'dev_sms_messages', { recipient: sms.recipient, sender: sms.sender, body: sms.body, reference: sms.reference ?? null }),
    storeWhatsapp: (message) =>
      storeOnce(db, 'dev_whatsapp_messages', {
        recipient: message.recipient,
        template_name: message.templateName,
        language: message.language,
        parameters: JSON.stringify(message.parameters),
        body: message.body,
        reference: message.reference ?? null,
      }),
  };
}

export interface DevSms {
  id: number;
  recipient: string;
  sender: string;
  body: string;
  reference: string | null;
  created_at: Date;
}

/** Newest first. */
export async function listDevSms(db: Knex, limit = 100): Promise<DevSms[]> {
  return db<DevSms>('dev_sms_messages').orderBy('id', 'desc').limit(limit);
}

export interface DevWhatsapp {
  id: number;
  recipient: string;
  /** null: a free-text (session) message */
  template_name: string | null;
  language: string | null;
  parameters: string[];
  body: string;
  reference: string | null;
  created_at: Date;
}

/** Newest first. */
export async function listDevWhatsapp(db: Knex, limit = 100): Promise<DevWhatsapp[]> {
  return db<DevWhatsapp>('dev_whatsapp_messages').orderBy('id', 'desc').limit(limit);
}
