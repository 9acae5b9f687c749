import type { Knex } from 'knex';
import { isLanguage, type Language } from '../lib/i18n';
import { builtInMessageTemplate, type MessagePurpose, type MessageText } from '../lib/messageTemplates';
import type { Channel } from '../lib/messaging';

export interface MessageTemplateKey {
  purpose: MessagePurpose;
  channel: Channel;
  language: Language;
}

/** The company's own text or the built-in one, for purpose × channel × language (an unknown language reads English). */
export async function messageTemplate(
  db: Knex,
  companyId: number,
  purpose: MessagePurpose,
  channel: Channel,
  language: string,
): Promise<{ subject: string; body: string; custom: boolean }> {
  const lang: Language = isLanguage(language) ? language : 'en';
  const own = await db('message_templates').where({ company_id: companyId, purpose, channel, language: lang }).first('subject', 'body');
  if (own) return { subject: own.subject, body: own.body, custom: true };
  return { ...builtInMessageTemplate(purpose, channel, lang), custom: false };
}

export interface CustomMessageTemplate extends MessageTemplateKey {
  updated_at: Date;
  updated_by_name: string | null;
}

/** Which texts the company replaced, and who last changed them. */
export async function customMessageTemplates(db: Knex, companyId: number): Promise<CustomMessageTemplate[]> {
  return db('message_templates')
    .leftJoin('staff_users', 'staff_users.id', 'message_templates.updated_by')
    .where('message_templates.company_id', companyId)
    .select('purpose', 'channel', 'language', 'message_templates.updated_at', 'staff_users.name as updated_by_name');
}

export async function saveMessageTemplate(db: Knex, companyId: number, key: MessageTemplateKey, text: MessageText, staffId: number): Promise<void> {
  await db('message_templates')
    .insert({ company_id: companyId, ...key, subject: key.channel === 'email' ? text.subject : '', body: text.body, updated_by: staffId })
    .onConflict(['company_id', 'purpose', 'channel', 'language'])
    .merge(['subject', 'body', 'updated_by', 'updated_at']);
}

/** Back to the built-in text. */
export async function resetMessageTemplate(db: Knex, companyId: number, key: MessageTemplateKey): Promise<void> {
  await db('message_templates').where({ company_id: companyId, ...key }).delete();
}
