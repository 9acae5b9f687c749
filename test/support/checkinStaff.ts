import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import sharp from 'sharp';
import type { Location } from '../../db/locations';
import { uniqueEmail, uniquePlate } from './fixtures';

export interface CheckedInAppointment {
  appointmentId: number;
  customerId: number;
  plate: string;
  /** accepted, converts to an intervention */
  carWash: number;
  /** "please contact me" */
  interiorCleaning: number;
  /** with a photo, shown to mechanics only once staff switch it on */
  scratchRemark: number;
  scratchPhoto: { id: number; bytes: Buffer };
  /** made visible to mechanics from the start */
  noiseRemark: number;
  /** never shown to mechanics */
  privateRemark: number;
  privatePhoto: { id: number; bytes: Buffer };
}

/** A small real JPEG, stored the way the check-in page stores uploads: UPLOAD_DIR/checkin/<appointment>/<uuid>.jpg. */
async function storePhoto(uploadDir: string, appointmentId: number, color: string) {
  const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: color } }).jpeg().toBuffer();
  const storedName = path.posix.join('checkin', String(appointmentId), `${randomUUID()}.jpg`);
  await mkdir(path.join(uploadDir, 'checkin', String(appointmentId)), { recursive: true });
  await writeFile(path.join(uploadDir, storedName), bytes);
  return { storedName, bytes };
}

/**
 * An appointment whose customer completed the online check-in, written
 * straight into the database: an accepted car wash, a "contact me" about
 * interior cleaning, and three remarks (one with a photo, one already
 * visible to mechanics, one private with a photo).
 */
export async function checkedInAppointment(db: Knex, location: Location, uploadDir: string, startsAt: Date, lastName = 'Maes'): Promise<CheckedInAppointment> {
  const plate = uniquePlate();
  const [customer] = await db('customers')
    .insert({ company_id: location.company_id, first_name: 'Lotte', last_name: lastName, email: uniqueEmail('lotte'), phone: '+32 470 55 66 77' })
    .returning('id');
  const [appointment] = await db('appointments')
    .insert({
      company_id: location.company_id,
      location_id: location.id,
      starts_at: startsAt,
      ends_at: new Date(startsAt.getTime() + 60 * 60_000),
      customer_id: customer.id,
      first_name: 'Lotte',
      last_name: lastName,
      email: uniqueEmail('lotte'),
      phone: '+32 470 55 66 77',
      walk_in_plate: plate,
      walk_in_make: 'Volvo',
      walk_in_model: 'V60',
      services: ['Maintenance'],
      checkin_completed_at: new Date(),
    })
    .returning('id');
  const appointmentId: number = appointment.id;
  const services = await db('location_services')
    .insert([
      { location_id: location.id, name: 'Car wash', price_cents: 1500, converts_to_intervention: true, position: 1 },
      { location_id: location.id, name: 'Interior cleaning', price_cents: 4950, converts_to_intervention: true, position: 2 },
    ])
    .returning(['id', 'name', 'price_cents']);
  const item = async (fields: Record<string, unknown>): Promise<number> =>
    (await db('checkin_items').insert({ appointment_id: appointmentId, ...fields }).returning('id'))[0].id;
  const carWash = await item({ kind: 'service', location_service_id: services[0].id, answer: 'accepted', service_name: 'Car wash', price_cents: 1500 });
  const interiorCleaning = await item({
    kind: 'service',
    location_service_id: services[1].id,
    answer: 'contact_me',
    service_name: 'Interior cleaning',
    price_cents: 4950,
  });
  const scratchRemark = await item({ kind: 'remark', subject: 'Scratch on the left door', description: 'Since last week, about 10 cm long.' });
  const noiseRemark = await item({ kind: 'remark', subject: 'Rattling noise at 50 km/h', description: 'From the back.', visible_to_mechanics: true });
  const privateRemark = await item({ kind: 'remark', subject: 'Please call my partner, not me', description: 'Call Jan after 17:00.' });

  const file = async (itemId: number, color: string) => {
    const photo = await storePhoto(uploadDir, appointmentId, color);
    const [row] = await db('checkin_files')
      .insert({ checkin_item_id: itemId, kind: 'photo', stored_name: photo.storedName, original_name: 'door.jpg', mime_type: 'image/jpeg', size_bytes: photo.bytes.length })
      .returning('id');
    return { id: row.id as number, bytes: photo.bytes };
  };
  return {
    appointmentId,
    customerId: customer.id,
    plate,
    carWash,
    interiorCleaning,
    scratchRemark,
    scratchPhoto: await file(scratchRemark, '#2e86de'),
    noiseRemark,
    privateRemark,
    privatePhoto: await file(privateRemark, '#c0392b'),
  };
}
