/**
 * Records event histories of the booking workflow as it is now, for the
 * replay test (test/workflows.replay.test.ts). Run it when a workflow's
 * shape changes on purpose (behind patched()), and keep the older files:
 * they are what running executions look like.
 *   npx tsx scripts/record-histories.ts
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import '../test/setup'; // quiet Temporal runtime logs
import { execFileSync } from 'node:child_process';
import { temporalCliPath } from '../lib/stack';
import { confirmByToken } from '../web/booking/service';
import { bookingWorkflowId } from '../workflows/booking';
import { book, bookingDeps, firstSlot, wizardFor } from '../test/support/booking';
import { createLocation } from '../test/support/fixtures';
import { startPlatformOn } from '../test/support/harness';
import { startInfrastructure } from '../test/support/infrastructure';

const version = process.argv[2] ?? new Date().toISOString().slice(0, 10);
const infrastructure = await startInfrastructure();
const platform = await startPlatformOn(infrastructure, { BOOKING_LINK_TTL: '3s' });
try {
  const { location } = await createLocation(platform.db, { slot_capacity: 1 });
  const slot = await firstSlot(platform, location);
  const save = async (name: string, bookingId: string) => {
    const handle = platform.temporal.workflow.getHandle(bookingWorkflowId(bookingId));
    await handle.result();
    const file = path.join(import.meta.dirname, '..', 'test', 'histories', `booking-${name}-${version}.json`);
    // The CLI writes the same JSON the Web UI downloads.
    const json = execFileSync(temporalCliPath(), [
      'workflow', 'show', '--workflow-id', handle.workflowId, '--address', infrastructure.temporalAddress, '--output', 'json',
    ]);
    await writeFile(file, json);
    console.log(`wrote ${file}`);
  };

  const confirmed = wizardFor(location, slot);
  const first = await book(platform, location, confirmed);
  const mails = async (to: string) => {
    for (;;) {
      const all = (await (await fetch(`${infrastructure.mailApiUrl}/email`)).json()) as { to: { address: string }[]; text: string }[];
      const mail = all.find((m) => m.to[0]?.address === to);
      if (mail) return mail.text;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const token = (await mails(confirmed.contact!.email)).match(/\/b\/([\w-]+)/)![1]!;
  await confirmByToken(bookingDeps(platform), token);
  await confirmByToken(bookingDeps(platform), token);
  await save('confirmed', first.bookingId);

  const taken = await book(platform, location, wizardFor(location, slot));
  await save('slot-taken', taken.bookingId);

  const { location: other } = await createLocation(platform.db);
  const expiring = await book(platform, other, wizardFor(other, await firstSlot(platform, other)));
  await save('expired', expiring.bookingId);
} finally {
  await platform.close();
  await infrastructure.stop();
}
