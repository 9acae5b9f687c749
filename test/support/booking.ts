import type { Location } from '../../db/locations';
import { estimateHours, slotRules } from '../../db/locations';
import { generateSlots } from '../../lib/slots';
import { requestEstimate } from '../../web/booking/service';
import type { EstimateWizard } from '../../web/booking/wizard';
import type { Platform } from './harness';
import { uniqueEmail, uniquePlate } from './fixtures';

export async function firstSlot(platform: Platform, location: Location): Promise<string> {
  const slots = generateSlots(await estimateHours(platform.db, location.id), slotRules(location), new Date());
  return slots[0]!.start.toISOString();
}

export function wizardFor(location: Location, slotStart: string, overrides: Partial<EstimateWizard> = {}): EstimateWizard {
  return {
    portal: location.slug,
    contact: {
      firstName: 'Jan',
      lastName: 'Peeters',
      email: uniqueEmail(),
      phone: '+32 470 00 00 00',
      consentAt: new Date().toISOString(),
    },
    vehicle: { plate: uniquePlate(), make: 'Volkswagen', model: 'Golf' },
    photoIds: [],
    slotStart,
    ...overrides,
  };
}

/** P2 confirm through the same service the web route calls. */
export function book(platform: Platform, location: Location, wizard: EstimateWizard, language = 'en') {
  return requestEstimate(
    {
      db: platform.db,
      temporal: platform.temporal,
      taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
      linkTtlMs: platform.config.BOOKING_LINK_TTL,
    },
    wizard,
    location,
    language,
  );
}

export function bookingDeps(platform: Platform) {
  return {
    db: platform.db,
    temporal: platform.temporal,
    taskQueue: platform.config.TEMPORAL_TASK_QUEUE,
    linkTtlMs: platform.config.BOOKING_LINK_TTL,
  };
}
