import type { Knex } from 'knex';
import { addWorkLine, type WorkLineInput } from './workLines';

/** A photo or short video the customer added to a remark (C3). */
export interface CheckinFile {
  id: number;
  checkin_item_id: number;
  kind: 'photo' | 'video';
  original_name: string;
  mime_type: string;
  size_bytes: number;
}

/** What the customer answered at check-in, as staff handle it (C5-C7). */
export interface CheckinItem {
  id: number;
  appointment_id: number;
  kind: 'service' | 'remark';
  /** kind 'service' */
  answer: 'accepted' | 'contact_me' | null;
  service_name: string;
  price_cents: number | null;
  currency: string;
  /** the offered service becomes an intervention when accepted (true when the service was removed since) */
  converts_to_intervention: boolean;
  /** kind 'remark' */
  subject: string;
  description: string;
  visible_to_mechanics: boolean;
  handled_at: Date | null;
  handled_by_name: string | null;
  work_line_id: number | null;
  created_at: Date;
  files: CheckinFile[];
}

const fileColumns = ['id', 'checkin_item_id', 'kind', 'original_name', 'mime_type', 'size_bytes'];

/**
 * An appointment's check-in items with their files, in the order the
 * customer gave them; for a mechanic only the remarks staff made visible (C6);
 * with `remark` only that remark.
 */
export async function checkinItemsOf(
  db: Knex,
  appointmentId: number,
  options: { mechanic?: boolean; remark?: number } = {},
): Promise<CheckinItem[]> {
  const query = db('checkin_items as ci')
    .leftJoin('location_services as ls', 'ls.id', 'ci.location_service_id')
    .leftJoin('staff_users as s', 's.id', 'ci.handled_by')
    .where('ci.appointment_id', appointmentId)
    .orderBy('ci.id')
    .select(
      'ci.id', 'ci.appointment_id', 'ci.kind', 'ci.answer', 'ci.service_name', 'ci.price_cents', 'ci.currency', 'ci.subject',
      'ci.description', 'ci.visible_to_mechanics', 'ci.handled_at', 'ci.work_line_id', 'ci.created_at',
      's.name as handled_by_name',
      db.raw('coalesce(ls.converts_to_intervention, true) as converts_to_intervention'),
    );
  if (options.mechanic) query.where({ 'ci.kind': 'remark', 'ci.visible_to_mechanics': true });
  if (options.remark) query.where({ 'ci.kind': 'remark', 'ci.id': options.remark });
  const items: Omit<CheckinItem, 'files'>[] = await query;
  const files: CheckinFile[] = items.length
    ? await db('checkin_files').whereIn('checkin_item_id', items.map((item) => item.id)).orderBy('id').select(fileColumns)
    : [];
  return items.map((item) => ({ ...item, files: files.filter((file) => file.checkin_item_id === item.id) }));
}

export type ConvertOutcome = 'converted' | 'alreadyHandled' | 'notConvertible' | 'notFound';

/**
 * C7 "Convert": an accepted service becomes a work line (its name and price
 * as offered) and the item is handled. The item's row lock makes a second
 * convert (a double click, two colleagues at once) wait, then find it
 * handled: one work line, whatever happens.
 */
export async function convertServiceToWorkLine(db: Knex, appointmentId: number, itemId: number, staffId: number): Promise<ConvertOutcome> {
  return db.transaction(async (trx) => {
    const item = await trx('checkin_items').where({ id: itemId, appointment_id: appointmentId, kind: 'service' }).forUpdate().first();
    if (!item) return 'notFound';
    if (item.handled_at) return 'alreadyHandled';
    const service = item.location_service_id
      ? await trx('location_services').where({ id: item.location_service_id }).first('converts_to_intervention')
      : undefined;
    if (item.answer !== 'accepted' || service?.converts_to_intervention === false) return 'notConvertible';
    const workLineId = await addWorkLine(
      trx,
      appointmentId,
      { description: item.service_name, remarks: '', priceCents: item.price_cents ?? 0, currency: item.currency },
      staffId,
      { source: 'service', checkinItemId: item.id },
    );
    await trx('checkin_items').where({ id: item.id }).update({ handled_at: trx.fn.now(), handled_by: staffId, work_line_id: workLineId });
    return 'converted';
  });
}

/**
 * C7: marks an item handled ("contact me" called back, a remark's "add
 * intervention" opened); handling it again changes nothing. Answers the
 * item's kind, or undefined when the appointment has no such item.
 */
export async function markCheckinItemHandled(
  db: Knex,
  appointmentId: number,
  itemId: number,
  staffId: number,
): Promise<CheckinItem['kind'] | undefined> {
  const item = await db('checkin_items').where({ id: itemId, appointment_id: appointmentId }).first('kind');
  if (!item) return undefined;
  await db('checkin_items').where({ id: itemId }).whereNull('handled_at').update({ handled_at: db.fn.now(), handled_by: staffId });
  return item.kind;
}

/**
 * C7: the "add intervention" form of a remark was saved. One work line per
 * remark: a second save (the form sent twice) answers the first line.
 */
export async function addInterventionFromRemark(
  db: Knex,
  appointmentId: number,
  itemId: number,
  input: WorkLineInput,
  staffId: number,
): Promise<{ workLineId: number; created: boolean } | undefined> {
  return db.transaction(async (trx) => {
    const item = await trx('checkin_items').where({ id: itemId, appointment_id: appointmentId, kind: 'remark' }).forUpdate().first();
    if (!item) return undefined;
    if (item.work_line_id) return { workLineId: item.work_line_id as number, created: false };
    const workLineId = await addWorkLine(trx, appointmentId, input, staffId, { source: 'remark', checkinItemId: item.id });
    await trx('checkin_items')
      .where({ id: item.id })
      .update({ work_line_id: workLineId, handled_at: item.handled_at ?? trx.fn.now(), handled_by: item.handled_by ?? staffId });
    return { workLineId, created: true };
  });
}

export async function findRemark(db: Knex, appointmentId: number, itemId: number): Promise<CheckinItem | undefined> {
  const [remark] = await checkinItemsOf(db, appointmentId, { remark: itemId });
  return remark;
}

/** C6: staff let mechanics see a remark and its files, or take that back. */
export async function setRemarkVisibleToMechanics(db: Knex, appointmentId: number, itemId: number, visible: boolean): Promise<boolean> {
  const updated = await db('checkin_items')
    .where({ id: itemId, appointment_id: appointmentId, kind: 'remark' })
    .update({ visible_to_mechanics: visible });
  return updated > 0;
}

/** A remark's file with what decides who may see it. */
export async function findCheckinFile(
  db: Knex,
  appointmentId: number,
  fileId: number,
): Promise<(CheckinFile & { stored_name: string; visible_to_mechanics: boolean }) | undefined> {
  return db('checkin_files as f')
    .join('checkin_items as ci', 'ci.id', 'f.checkin_item_id')
    .where({ 'f.id': fileId, 'ci.appointment_id': appointmentId })
    .first(...fileColumns.map((column) => `f.${column}`), 'f.stored_name', 'ci.visible_to_mechanics');
}
