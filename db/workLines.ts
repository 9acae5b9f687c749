import type { Knex } from 'knex';

/** Where a work line came from: planned by staff, or made from a check-in item (C7). */
export type WorkLineSource = 'planned' | 'service' | 'remark';

/** One planned intervention of an appointment; price incl. VAT in integer cents. */
export interface WorkLine {
  id: number;
  appointment_id: number;
  position: number;
  description: string;
  remarks: string;
  price_cents: number;
  currency: string;
  source: WorkLineSource;
  checkin_item_id: number | null;
  created_at: Date;
}

export interface WorkLineInput {
  description: string;
  remarks: string;
  priceCents: number;
}

const columns = ['id', 'appointment_id', 'position', 'description', 'remarks', 'price_cents', 'currency', 'source', 'checkin_item_id', 'created_at'];

/** An appointment's work lines in the order they were added. */
export async function workLinesOf(db: Knex, appointmentId: number): Promise<WorkLine[]> {
  return db('appointment_work_lines').where({ appointment_id: appointmentId }).orderBy(['position', 'id']).select(columns);
}

export async function findWorkLine(db: Knex, appointmentId: number, id: number): Promise<WorkLine | undefined> {
  return db('appointment_work_lines').where({ appointment_id: appointmentId, id }).first(columns);
}

/** Appends a work line; `from` links it to the check-in item it was made from. Answers its id. */
export async function addWorkLine(
  db: Knex,
  appointmentId: number,
  input: WorkLineInput & { currency?: string },
  staffId: number,
  from?: { source: Exclude<WorkLineSource, 'planned'>; checkinItemId: number },
): Promise<number> {
  const [{ id }] = await db('appointment_work_lines')
    .insert({
      appointment_id: appointmentId,
      position: db.raw('(select coalesce(max(position), 0) + 1 from appointment_work_lines where appointment_id = ?)', [appointmentId]),
      description: input.description,
      remarks: input.remarks,
      price_cents: input.priceCents,
      ...(input.currency ? { currency: input.currency } : {}),
      source: from?.source ?? 'planned',
      checkin_item_id: from?.checkinItemId ?? null,
      created_by: staffId,
    })
    .returning('id');
  return id;
}

export async function updateWorkLine(db: Knex, appointmentId: number, id: number, input: WorkLineInput): Promise<boolean> {
  const updated = await db('appointment_work_lines')
    .where({ appointment_id: appointmentId, id })
    .update({ description: input.description, remarks: input.remarks, price_cents: input.priceCents });
  return updated > 0;
}

/** Removes a work line; a check-in item it was made from stays handled. */
export async function deleteWorkLine(db: Knex, appointmentId: number, id: number): Promise<boolean> {
  return (await db('appointment_work_lines').where({ appointment_id: appointmentId, id }).delete()) > 0;
}
