import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { DateTime } from 'luxon';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportActivities } from '../activities/imports';
import { importSettings } from '../activities';
import { ensureAppointmentImportSchedule } from '../clients/importSchedule';
import { findImportRun } from '../db/imports';
import { checkinWorkflowId } from '../workflows/checkIn.contract';
import { appointmentImportScheduleId, appointmentImportWorkflowId, appointmentImportWorkflowType } from '../workflows/appointmentImport.contract';
import { startFtpServer, type FtpServer } from './support/ftpServer';
import { createImportSource, dropFile, plannerCsv, runImport, watchedFolder } from './support/imports';
import { createLocation } from './support/fixtures';
import { startPlatform, type Platform } from './support/platform';
import { startSftpServer, type SftpServer } from './support/sftpServer';
import { waitUntil } from './support/wait';

/**
 * D5/W2: planner appointment files from a real SFTP server (ssh2), a real FTP
 * server (ftp-srv) and the company's watched folder, through the import
 * workflow on the real Temporal dev server into PostgreSQL.
 */
describe('appointment file import (real SFTP, FTP, Temporal and PostgreSQL)', () => {
  let platform: Platform;
  let remoteRoot: string;
  let sftp: SftpServer;
  let ftp: FtpServer;
  beforeAll(async () => {
    platform = await startPlatform({ IMPORT_STABLE_WAIT: '400ms', IMPORT_BATCH_ROWS: '5' });
    remoteRoot = await mkdtemp(path.join(os.tmpdir(), 'planner-'));
    [sftp, ftp] = await Promise.all([startSftpServer(remoteRoot), startFtpServer(remoteRoot)]);
  });
  afterAll(async () => {
    await Promise.allSettled([sftp?.close(), ftp?.close()]);
    await platform?.close();
    if (remoteRoot) await rm(remoteRoot, { recursive: true, force: true });
  });

  const appointmentsOf = (companyId: number) => platform.db('appointments').where({ company_id: companyId }).orderBy('external_id');
  const runsOf = (sourceId: number) => platform.db('import_runs').where({ source_id: sourceId }).orderBy('id');

  it('SFTP: a file with one bad row imports the others, and its report names the line, the column and why; check-in starts for each', async () => {
    const { companyId } = await createLocation(platform.db);
    const folder = path.join(remoteRoot, `sftp-${companyId}`);
    await dropFile(await mkdirp(folder), 'planning.csv', plannerCsv('SFT', 6, { bad: [2] }));
    const sourceId = await createImportSource(platform, companyId, {
      kind: 'sftp', host: sftp.host, port: sftp.port, username: sftp.username, password: sftp.password, host_key: sftp.hostKey, remote_path: `/sftp-${companyId}`,
    });

    const result = await runImport(platform, sourceId);
    expect(result.files).toEqual([expect.objectContaining({ status: 'done', added: 5, failed: 1, updated: 0 })]);
    const [run] = await runsOf(sourceId);
    expect(run).toMatchObject({ file_name: 'planning.csv', status: 'done', total_rows: 6, rows_added: 5, rows_failed: 1, committed_line: 7 });
    const errors = await platform.db('import_errors').where({ run_id: run.id }).select('line', 'column', 'reason');
    expect(errors).toEqual([{ line: 3, column: 'Datum', reason: 'invalidDate' }]);

    const appointments = await appointmentsOf(companyId);
    expect(appointments.map((a) => a.external_id)).toEqual(['SFT-1', 'SFT-3', 'SFT-4', 'SFT-5', 'SFT-6']);
    expect(appointments[0]).toMatchObject({ kind: 'service', external_source: 'planner', status: 'planned', work_description: 'Grote beurt + airco check', first_name: 'Eva1' });
    expect(appointments[0].ends_at.getTime() - appointments[0].starts_at.getTime()).toBe(45 * 60_000);
    // D2: each added planned appointment has its check-in workflow.
    for (const appointment of appointments) {
      const described = await platform.temporal.workflow.getHandle(checkinWorkflowId(appointment.id)).describe();
      expect(described.type).toBe('checkInWorkflow');
    }
  });

  it('FTP: the same file twice (under another name too) is imported once and the second is reported as skipped; a known file is not fetched again', async () => {
    const { companyId } = await createLocation(platform.db);
    const folder = await mkdirp(path.join(remoteRoot, `ftp-${companyId}`));
    const csv = plannerCsv('FTP', 3);
    await dropFile(folder, 'monday.csv', csv);
    const sourceId = await createImportSource(platform, companyId, {
      kind: 'ftp', host: ftp.host, port: ftp.port, username: ftp.username, password: ftp.password, remote_path: `ftp-${companyId}`,
    });
    expect((await runImport(platform, sourceId)).files).toEqual([expect.objectContaining({ added: 3 })]);
    // Next hour: the same file is still there (not fetched again: no run), and a copy under another name (reported).
    await dropFile(folder, 'monday-copy.csv', csv);
    expect((await runImport(platform, sourceId)).files).toEqual([]);
    const runs = await runsOf(sourceId);
    expect(runs.map((run) => [run.file_name, run.status, run.error_code])).toEqual([
      ['monday.csv', 'done', null],
      ['monday-copy.csv', 'skipped', 'alreadyImported'],
    ]);
    expect(runs[1].duplicate_of).toBe(runs[0].file_id);
    expect(await appointmentsOf(companyId)).toHaveLength(3);
    expect((await runImport(platform, sourceId)).files).toEqual([]);
    expect(await runsOf(sourceId)).toHaveLength(2);
  });

  it('a file whose dates read both ways fails with a report that asks; once the date order is set, the same file is read again', async () => {
    const { companyId } = await createLocation(platform.db);
    const folder = await watchedFolder(platform, companyId);
    await dropFile(folder, 'early.csv', 'Afspraaknummer;Datum;Tijd\r\nE-1;03-04-2027;08:00\r\nE-2;05-06-2027;09:00\r\n');
    const sourceId = await createImportSource(platform, companyId, { kind: 'folder' });
    expect((await runImport(platform, sourceId)).files).toEqual([expect.objectContaining({ status: 'failed' })]);
    expect(await runsOf(sourceId)).toMatchObject([{ status: 'failed', error_code: 'ambiguousDates' }]);
    // Not read again every hour while nothing changed.
    expect((await runImport(platform, sourceId)).files).toEqual([]);
    await createImportSource(platform, companyId, { kind: 'folder', date_order: 'dmy' });
    expect((await runImport(platform, sourceId)).files).toEqual([expect.objectContaining({ status: 'done', added: 2 })]);
    const [first] = await appointmentsOf(companyId);
    expect(DateTime.fromJSDate(first.starts_at, { zone: 'Europe/Brussels' }).toFormat('yyyy-MM-dd HH:mm')).toBe('2027-04-03 08:00');
  });

  it('the watched folder (IMPORT_DIR/<company> by default): files still being uploaded (.part, or growing) are not taken; a .done marker when asked for', async () => {
    const { companyId } = await createLocation(platform.db);
    const folder = await watchedFolder(platform, companyId);
    expect(folder).toBe(path.join(platform.config.IMPORT_DIR, String(companyId)));
    const sourceId = await createImportSource(platform, companyId, { kind: 'folder' });
    await dropFile(folder, 'upload.csv.part', plannerCsv('PRT', 2));
    await dropFile(folder, 'notes.txt', 'not a csv');
    const growing = await dropFile(folder, 'growing.csv', plannerCsv('GRW', 2));

    // The size changes between the two listings: not complete yet.
    const activities = createImportActivities({ ...platform.deps, imports: { ...importSettings(platform.config), stableWaitMs: 1500 } });
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: `test-${sourceId}`, runId: 'growing' } });
    const taking = env.run(activities.takeCompleteFiles, { sourceId, trigger: 'manual' as const });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await appendFile(growing, 'GRW-3;01-01-2027;08:00;;;;;;;;\r\n');
    expect(await taking).toEqual([]);
    expect(await runsOf(sourceId)).toEqual([]);

    // Once it stays the same, it is taken; the .part never.
    expect((await runImport(platform, sourceId)).files).toEqual([expect.objectContaining({ added: 3 })]);
    expect((await runsOf(sourceId)).map((run) => run.file_name)).toEqual(['growing.csv']);

    await createImportSource(platform, companyId, { kind: 'folder', done_marker: true });
    await dropFile(folder, 'tuesday.csv', plannerCsv('TUE', 1));
    expect((await runImport(platform, sourceId)).files).toEqual([]);
    await dropFile(folder, 'tuesday.csv.done', '');
    expect((await runImport(platform, sourceId)).files).toEqual([expect.objectContaining({ added: 1 })]);
  });

  it('a worker stopped in the middle of a file: the import resumes after the last committed batch on the next worker, nothing twice', async () => {
    const { companyId } = await createLocation(platform.db);
    const folder = await watchedFolder(platform, companyId);
    const rows = 400;
    await dropFile(folder, 'big.csv', plannerCsv('BIG', rows));
    const sourceId = await createImportSource(platform, companyId, { kind: 'folder' });
    const running = runImport(platform, sourceId, { heartbeatTimeout: '5 seconds' });

    const runId = await waitUntil('the import to commit a few batches', async () => {
      const [run] = await runsOf(sourceId);
      return run && run.committed_line > 20 ? (run.id as number) : undefined;
    }, 60_000);
    await platform.stopWorker();
    const stopped = (await findImportRun(platform.db, runId))!;
    expect(stopped.status).toBe('importing');
    expect(stopped.committed_line).toBeLessThan(rows + 1);
    await platform.startWorker();

    const result = await running;
    expect(result.files).toEqual([expect.objectContaining({ status: 'done', added: rows, failed: 0, unchanged: 0 })]);
    const appointments = await appointmentsOf(companyId);
    expect(appointments).toHaveLength(rows);
    expect(new Set(appointments.map((a) => a.external_id)).size).toBe(rows);
  });

  it('an import whose workflow was terminated mid-file is resumed by the next run of the source, nothing twice', async () => {
    const { companyId } = await createLocation(platform.db);
    const rows = 300;
    await dropFile(await watchedFolder(platform, companyId), 'terminated.csv', plannerCsv('TRM', rows));
    const sourceId = await createImportSource(platform, companyId, { kind: 'folder' });
    const handle = await platform.temporal.workflow.start(appointmentImportWorkflowType, {
      workflowId: appointmentImportWorkflowId(sourceId),
      taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
      args: [{ sourceId, trigger: 'manual' }],
    });
    await waitUntil('a few batches', async () => {
      const [run] = await runsOf(sourceId);
      return run && run.committed_line > 20;
    }, 60_000);
    await handle.terminate('test: an operator ended it');

    const result = await runImport(platform, sourceId);
    expect(result.files).toEqual([expect.objectContaining({ status: 'done', added: rows, unchanged: 0, failed: 0 })]);
    expect(await runsOf(sourceId)).toHaveLength(1);
    const appointments = await appointmentsOf(companyId);
    expect(appointments).toHaveLength(rows);
    expect(new Set(appointments.map((a) => a.external_id)).size).toBe(rows);
  });

  it('an activity that crashes mid-file (cancelled) resumes from the committed cursor: counts exact, no duplicates', async () => {
    const { companyId } = await createLocation(platform.db);
    const folder = await watchedFolder(platform, companyId);
    await dropFile(folder, 'crash.csv', plannerCsv('CRS', 30));
    const sourceId = await createImportSource(platform, companyId, { kind: 'folder' });
    const activities = createImportActivities(platform.deps);
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: `crash-${sourceId}`, runId: 'one' } });
    const [runId] = (await env.run(activities.takeCompleteFiles, { sourceId, trigger: 'manual' as const })) as number[];

    const crashing = new MockActivityEnvironment({ workflowExecution: { workflowId: `crash-${sourceId}`, runId: 'one' } });
    const beats: unknown[] = [];
    crashing.on('heartbeat', (details: { line: number }) => {
      beats.push(details);
      if (details.line >= 11) crashing.cancel();
    });
    await expect(crashing.run(activities.importTakenFile, { runId: runId! })).rejects.toBeInstanceOf(CancelledFailure);
    const half = (await findImportRun(platform.db, runId!))!;
    expect(half.committed_line).toBe(11);
    expect(half.rows_added).toBe(10);
    expect(beats).toContainEqual({ line: 11 });

    const retry = new MockActivityEnvironment({ workflowExecution: { workflowId: `crash-${sourceId}`, runId: 'one' }, attempt: 2, heartbeatDetails: { line: 11 } });
    expect(await retry.run(activities.importTakenFile, { runId: runId! })).toMatchObject({ status: 'done', added: 30, unchanged: 0 });
    expect(await appointmentsOf(companyId)).toHaveLength(30);
  });

  it('the hourly Schedule exists after the worker ensured it, and triggering it imports every enabled source', async () => {
    const taskQueue = platform.config.TEMPORAL_TASK_QUEUE;
    expect(await ensureAppointmentImportSchedule(platform.temporal, taskQueue)).toBe('created');
    expect(await ensureAppointmentImportSchedule(platform.temporal, taskQueue)).toBe('kept');
    const handle = platform.temporal.schedule.getHandle(appointmentImportScheduleId);
    const schedule = await handle.describe();
    expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: 'appointmentImportScheduleWorkflow', taskQueue });
    expect(schedule.spec.intervals).toMatchObject([{ every: 3_600_000 }]);
    expect(schedule.policies.overlap).toBe('SKIP');

    const { companyId } = await createLocation(platform.db);
    await dropFile(await watchedFolder(platform, companyId), 'hourly.csv', plannerCsv('HRS', 2));
    const sourceId = await createImportSource(platform, companyId, { kind: 'folder' });
    await handle.trigger();
    await waitUntil('the scheduled import of the new source', async () => {
      const [run] = await runsOf(sourceId);
      return run?.status === 'done' ? run : undefined;
    }, 60_000);
    expect(await appointmentsOf(companyId)).toHaveLength(2);
    expect((await runsOf(sourceId))[0].trigger).toBe('schedule');
  });
});

async function mkdirp(folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  return folder;
}
