import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DateTime } from 'luxon';
import { saveImportSource, type ImportSourceChanges } from '../../db/imports';
import { companyFolder, importSealer, secretContext } from '../../lib/fileSources/settings';
import { appointmentImportWorkflowId, appointmentImportWorkflowType, type AppointmentImportInput, type AppointmentImportWorkflow } from '../../workflows/appointmentImport.contract';
import type { Platform } from './platform';

/** A company's import source as the settings page saves it, the secret sealed. */
export async function createImportSource(platform: Platform, companyId: number, fields: Partial<ImportSourceChanges> & { password?: string } = {}): Promise<number> {
  const { password, ...rest } = fields;
  return saveImportSource(platform.db, companyId, {
    kind: 'folder',
    host: '',
    port: null,
    username: '',
    host_key: '',
    tls: false,
    remote_path: '',
    file_pattern: '*.csv',
    done_marker: false,
    location_id: null,
    encoding: 'auto',
    separator: 'auto',
    date_order: 'auto',
    enabled: true,
    ...rest,
    ...(password !== undefined ? { secret: importSealer(platform.config.IMPORT_SECRET_KEY).seal(password, secretContext(companyId)) } : {}),
  });
}

/** Runs a source's import workflow on the platform's worker and answers its result. */
export function runImport(platform: Platform, sourceId: number, input: Partial<AppointmentImportInput> = {}) {
  return platform.temporal.workflow.execute<AppointmentImportWorkflow>(appointmentImportWorkflowType, {
    workflowId: appointmentImportWorkflowId(sourceId),
    taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
    args: [{ sourceId, trigger: 'manual', ...input }],
  });
}

/** The company's default watched folder (IMPORT_DIR/<company id>), created. */
export async function watchedFolder(platform: Platform, companyId: number): Promise<string> {
  const folder = companyFolder(platform.config.IMPORT_DIR, companyId);
  await mkdir(folder, { recursive: true });
  return folder;
}

/** A day two months ahead, as a Dutch planner writes it (dd-mm-yyyy), after the 12th so the column reads one way only. */
export const plannerDay = (i = 0) => DateTime.now().plus({ months: 2 }).set({ day: 13 + (i % 15) }).toFormat('dd-MM-yyyy');

/** A planner export (semicolons, CRLF, Dutch headers) with `rows` appointments numbered from `first`. */
export function plannerCsv(prefix: string, rows: number, { first = 1, bad = [] as number[] } = {}): string {
  const lines = ['Afspraaknummer;Datum;Tijd;Duur;Voornaam;Achternaam;E-mail;Kenteken;Merk;Model;Werkzaamheden'];
  for (let i = first; i < first + rows; i++) {
    const day = bad.includes(i) ? '31-02-2027' : plannerDay(i);
    lines.push(`${prefix}-${i};${day};${String(8 + (i % 9)).padStart(2, '0')}:30;45;Eva${i};Jacobs;eva.${prefix}.${i}@example.test;${prefix.slice(0, 3).toUpperCase()}${String(i).padStart(3, '0')};Volvo;V60;Grote beurt + airco check`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

export async function dropFile(folder: string, name: string, content: string | Buffer): Promise<string> {
  const file = path.join(folder, name);
  await writeFile(file, content);
  return file;
}
