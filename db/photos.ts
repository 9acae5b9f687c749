import type { Knex } from 'knex';

export interface Photo {
  id: string;
  booking_id: string | null;
  job_id: number | null;
  original_name: string;
  content_type: string;
  size_bytes: number;
  width: number;
  height: number;
  path: string;
  thumbnail_path: string;
  created_at: Date;
}

export type NewPhoto = Omit<Photo, 'booking_id' | 'job_id' | 'created_at'>;

export async function insertPhoto(db: Knex, photo: NewPhoto): Promise<void> {
  await db('photos').insert(photo);
}

export async function findPhoto(db: Knex, id: string): Promise<Photo | undefined> {
  return db<Photo>('photos').where({ id }).first();
}

export async function photosOfJob(db: Knex, jobId: number): Promise<Photo[]> {
  return db<Photo>('photos').where({ job_id: jobId }).orderBy('created_at');
}

/** The company a photo belongs to through its job, for staff access checks. */
export async function photoCompany(db: Knex, photoId: string): Promise<number | undefined> {
  const row = await db('photos').join('jobs', 'jobs.id', 'photos.job_id').where('photos.id', photoId).first('jobs.company_id');
  return row?.company_id;
}

/** The files of a photo: the picture and its thumbnail, relative to UPLOAD_DIR. */
export type PhotoFiles = Pick<Photo, 'path' | 'thumbnail_path'>;

/** Photos taken out of an estimate wizard before it was sent: their rows go, and their files are answered. */
export async function deletePhotosNotInUse(db: Knex, ids: string[]): Promise<PhotoFiles[]> {
  if (ids.length === 0) return [];
  return db('photos').whereIn('id', ids).whereNull('job_id').whereNull('booking_id').delete().returning(['path', 'thumbnail_path']);
}

/**
 * Photos of estimate wizards that never became a job (never sent, or their
 * booking expired or lost its slot), uploaded before `before`: their rows
 * go, and their files are answered.
 */
export async function deleteAbandonedPhotos(db: Knex, before: Date): Promise<PhotoFiles[]> {
  return db('photos')
    .whereNull('job_id')
    .where('created_at', '<', before)
    .where((query) => query.whereNull('booking_id').orWhereIn('booking_id', db('bookings').select('id').whereIn('status', ['expired', 'slot_taken'])))
    .delete()
    .returning(['path', 'thumbnail_path']);
}

/** A photo the customer added to their job from the portal (P6). */
export async function insertJobPhoto(db: Knex, jobId: number, photo: NewPhoto): Promise<void> {
  await db('photos').insert({ ...photo, job_id: jobId });
}

export async function countJobPhotos(db: Knex, jobId: number): Promise<number> {
  const row = await db('photos').where({ job_id: jobId }).count({ count: '*' }).first();
  return Number(row?.count ?? 0);
}
