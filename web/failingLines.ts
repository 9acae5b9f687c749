import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NextFunction, Request, Response } from 'express';
import type { Knex } from 'knex';
import { failingLineTexts, type ImportRun } from '../db/imports';
import { errorCsv } from '../lib/csv/errorFile';

/**
 * "Download failing lines (CSV)" of an import run (D5 appointment files, P9
 * DMS files): the header and every failing line as the file had them, in
 * its encoding, BOM, separator and line breaks, streamed from the database,
 * to fix and import again. Calls `next` (the 404) for a run without any
 * (not read through).
 */
export async function sendFailingLines(db: Knex, run: Pick<ImportRun, 'id' | 'file_name' | 'layout'> | undefined, req: Request, res: Response, next: NextFunction): Promise<void> {
  if (!run?.layout) return next();
  const stem = run.file_name.replace(/\.(csv|txt)$/i, '') || 'import';
  res.attachment(`${stem}-failing-lines.csv`).type(`text/csv; charset=${run.layout.encoding}`).set('Cache-Control', 'private, no-store');
  // A client that goes away ends the read of the lines; nothing else can fail once the headers are out.
  await pipeline(Readable.from(errorCsv(run.layout, failingLineTexts(db, run.id))), res).catch((error: unknown) => {
    if (!res.headersSent) return next(error);
    req.log.warn({ err: error }, 'failing lines download cut off');
  });
}
