import type { Knex } from 'knex';
import { z } from 'zod';
import { onlineBookingSettings, saveOnlineBookingSettings, type OnlineBookingChanges, type OnlineBookingSettings } from '../../db/leadManager';
import { permissionTable, savePermissionTable } from '../../db/permissions';
import { roles, type Role } from '../../db/staff';
import { isLocked, permissions, type Permissions } from '../../lib/permissions';
import type { FieldErrors } from '../errors';
import { requireRole, requireStaff } from '../middleware/auth';
import { requirePermission } from '../middleware/permissions';
import { render } from '../render';
import { featureRouter } from '../router';

type FormValues = Record<string, unknown>;

const ticked = (value: unknown) => value === 'on' || value === 'true' || value === 'yes';
/** Checkboxes sharing one name: absent when none is ticked, a string for one, an array for several. */
const allTicked = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

const refreshSeconds = z.coerce
  .number({ error: 'leads.errors.refreshSeconds' })
  .int('leads.errors.refreshSeconds')
  .min(10, 'leads.errors.refreshSeconds')
  .max(3600, 'leads.errors.refreshSeconds');
/** One service per line; blank lines and repeats dropped. */
const serviceCatalogue = z
  .string()
  .transform((text) => [...new Set(text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))])
  .refine((services) => services.every((service) => service.length <= 100), 'leads.errors.serviceTooLong')
  .refine((services) => services.length <= 50, 'leads.errors.tooManyServices');

/** The form's values from the saved settings; field names carry the location id. */
function onlineBookingValues(settings: OnlineBookingSettings): FormValues {
  const values: FormValues = {
    sms_enabled: settings.smsEnabled,
    whatsapp_enabled: settings.whatsappEnabled,
    acceptors: settings.staff.filter((s) => s.takes_online_requests).map((s) => String(s.id)),
  };
  for (const location of settings.locations) {
    values[`enabled_${location.id}`] = location.service_booking_enabled;
    values[`refresh_${location.id}`] = String(location.lead_refresh_seconds);
    values[`catalogue_${location.id}`] = location.service_catalogue.join('\n');
  }
  return values;
}

/** Without a WhatsApp provider the switch is not offered: what was saved before stays. */
function parseOnlineBookingForm(
  body: FormValues,
  settings: OnlineBookingSettings,
  whatsappAvailable: boolean,
): { ok: true; changes: OnlineBookingChanges } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const locations: OnlineBookingChanges['locations'] = [];
  for (const { id } of settings.locations) {
    const refresh = refreshSeconds.safeParse(body[`refresh_${id}`]);
    const catalogue = serviceCatalogue.safeParse(typeof body[`catalogue_${id}`] === 'string' ? body[`catalogue_${id}`] : '');
    if (!refresh.success) errors[`refresh_${id}`] = refresh.error.issues[0]!.message;
    if (!catalogue.success) errors[`catalogue_${id}`] = catalogue.error.issues[0]!.message;
    if (refresh.success && catalogue.success) {
      locations.push({ id, service_booking_enabled: ticked(body[`enabled_${id}`]), lead_refresh_seconds: refresh.data, service_catalogue: catalogue.data });
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // Only the company's active staff are offered; anything else posted is ignored.
  const offered = new Set(settings.staff.map((s) => s.id));
  const acceptorIds = allTicked(body.acceptors).map(Number).filter((id) => offered.has(id));
  const whatsappEnabled = whatsappAvailable ? ticked(body.whatsapp_enabled) : undefined;
  return { ok: true, changes: { locations, acceptorIds, smsEnabled: ticked(body.sms_enabled), whatsappEnabled } };
}

/** The permission table's checkbox for one role and permission. */
const grantField = (role: Role, permission: string) => `grant_${role}_${permission}`;

function parsePermissionForm(body: FormValues): Record<Role, Permissions> {
  return Object.fromEntries(
    roles.map((role) => [role, Object.fromEntries(permissions.map((p) => [p, isLocked(role, p) || ticked(body[grantField(role, p)])]))]),
  ) as Record<Role, Permissions>;
}

/**
 * Online service booking settings (M1, M5) and the role permissions (M4),
 * both admin pages. WhatsApp reminders (W1) are switched on here too, offered
 * only when the deployment has a WhatsApp provider.
 */
export function createOnlineBookingRouter({ db, whatsappAvailable }: { db: Knex; whatsappAvailable: boolean }) {
  const router = featureRouter();
  router.use('/staff/settings', requireStaff);
  const mayAdminister = requirePermission(db, 'online_booking_admin');

  router.get('/staff/settings/online-booking', mayAdminister, async (req, res) => {
    const settings = await onlineBookingSettings(db, req.staff!.company_id);
    render(req, res, 'leads/views/onlineBooking', { settings, values: onlineBookingValues(settings), errors: {}, saved: req.query.saved === '1', whatsappAvailable });
  });

  router.post('/staff/settings/online-booking', mayAdminister, async (req, res) => {
    const settings = await onlineBookingSettings(db, req.staff!.company_id);
    const result = parseOnlineBookingForm(req.body, settings, whatsappAvailable);
    if (!result.ok) {
      res.status(422);
      // Unticked checkboxes send nothing: keep them unticked, not as saved.
      const values = { ...req.body, acceptors: allTicked(req.body.acceptors) };
      return render(req, res, 'leads/views/onlineBooking', { settings, values, errors: result.errors, saved: false, whatsappAvailable });
    }
    await saveOnlineBookingSettings(db, req.staff!.company_id, result.changes);
    res.redirect(303, '/staff/settings/online-booking?saved=1');
  });

  router.get('/staff/settings/permissions', requireRole('admin'), async (req, res) => {
    const table = await permissionTable(db, req.staff!.company_id);
    render(req, res, 'leads/views/permissions', { table, roles, permissions, isLocked, grantField, saved: req.query.saved === '1' });
  });

  router.post('/staff/settings/permissions', requireRole('admin'), async (req, res) => {
    await savePermissionTable(db, req.staff!.company_id, parsePermissionForm(req.body));
    res.redirect(303, '/staff/settings/permissions?saved=1');
  });

  return router;
}
