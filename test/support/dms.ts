import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { startDmsImport } from '../../clients/dmsImport';
import { createDmsRun, findDmsRun, type DmsRunItem } from '../../db/dmsImport';
import { sourceCsvOptions, type DmsKind, type DmsMode, type DmsSource } from '../../db/dmsSources';
import { dmsFilePath } from '../../lib/uploadFiles';
import type { Platform } from './harness';
import { waitUntil } from './wait';

/** P9 tests: an uploaded DMS file, as the DMS page stores it (UPLOAD_DIR/dms/run-<id>.csv), with its workflow started. */
export async function uploadDmsFile(
  platform: Platform,
  { companyId, source, kind, mode, content, fileName = `${kind}.csv`, encoding = 'utf-8', staffId = null }: {
    companyId: number;
    source: DmsSource;
    kind: DmsKind;
    mode: DmsMode;
    content: string | Buffer;
    fileName?: string;
    encoding?: string;
    staffId?: number | null;
  },
): Promise<number> {
  const bytes = typeof content === 'string' ? iconv.encode(content, encoding) : content;
  const run = await createDmsRun(platform.db, {
    companyId,
    staffId,
    kind,
    mode,
    sourceId: source.id,
    fileName,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    options: sourceCsvOptions(source, kind),
  });
  const file = dmsFilePath(platform.config.UPLOAD_DIR, run.id);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
  await startDmsImport({ temporal: platform.temporal, taskQueue: platform.config.TEMPORAL_TASK_QUEUE }, run.id);
  return run.id;
}

/** Waits until the run reaches one of `statuses`; answers it. */
export async function runReaching(platform: Platform, companyId: number, runId: number, statuses: string[], timeout = 60_000): Promise<DmsRunItem> {
  return waitUntil(`DMS run ${runId} to be ${statuses.join(' or ')}`, async () => {
    const run = await findDmsRun(platform.db, companyId, runId);
    return run && statuses.includes(run.status) ? run : undefined;
  }, timeout);
}

/** A customers CSV of `n` rows: C-1… with e-mail, phone and city; `bad` rows get an invalid e-mail. */
export function customersCsv(prefix: string, n: number, { bad = [] as number[], city = 'Gent', separator = ';' } = {}): string {
  const lines = [['Klantnummer', 'Voornaam', 'Naam', 'E-mail', 'GSM', 'Gemeente'].join(separator)];
  for (let i = 1; i <= n; i++) {
    lines.push([`${prefix}-${i}`, `Voornaam${i}`, `Naam ${i}`, bad.includes(i) ? 'not-an-email' : `${prefix.toLowerCase()}-${i}@example.test`, `+32 470 ${String(100000 + i).slice(-6)}`, city].join(separator));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A vehicles CSV of `n` rows with plates, VINs left out, owners from `owners` by index. */
export function vehiclesCsv(prefix: string, n: number, { owner }: { owner?: (i: number) => string } = {}): string {
  const lines = ['Voertuignummer;Kenteken;Merk;Model;Eerste inschrijving;Kilometerstand;Klantnummer'];
  for (let i = 1; i <= n; i++) {
    lines.push([`${prefix}-V${i}`, `${prefix}-${String(i).padStart(3, '0')}`, 'Volkswagen', 'Golf', '21/03/2019', `45.210,${i % 10}`, owner?.(i) ?? ''].join(';'));
  }
  return `${lines.join('\r\n')}\r\n`;
}
