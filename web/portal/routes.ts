import type { Knex } from 'knex';
import { listAllPortalLocations } from '../../db/locations';
import { portalLocation } from '../portalLocations';
import { render } from '../render';
import { featureRouter } from '../router';

/** The portal buttons (P1, and M1's service request), each shown unless the location's admin hid it. */
export const portalButtons = [
  { setting: 'show_book_estimate', label: 'portal.bookEstimate', path: 'estimate' },
  { setting: 'show_book_repair', label: 'portal.bookRepair', path: 'lookup/repair' },
  { setting: 'show_follow_repair', label: 'portal.followRepair', path: 'lookup/status' },
  { setting: 'show_add_photos', label: 'portal.addPhotos', path: 'lookup/photos' },
  { setting: 'service_booking_enabled', label: 'portal.bookService', path: 'service' },
] as const;

export function createPortalRouter({ db }: { db: Knex }) {
  const router = featureRouter();

  router.get('/', async (req, res) => {
    const locations = await listAllPortalLocations(db);
    if (locations.length === 1) return res.redirect(303, `/p/${locations[0]!.slug}`);
    render(req, res, 'portal/views/index', { locations });
  });

  router.get('/p/:slug', async (req, res) => {
    const location = await portalLocation(req);
    if (!location?.portal_enabled) {
      res.status(404);
      return render(req, res, 'portal/views/notFound');
    }
    res.locals.location = location;
    const buttons = portalButtons.filter((button) => location[button.setting]);
    render(req, res, 'portal/views/home', { buttons });
  });

  return router;
}
