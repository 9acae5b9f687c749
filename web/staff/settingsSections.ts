import type { Role } from '../../db/staff';
import type { Permissions } from '../../lib/permissions';

/** Who sees one entry of the Settings page; the route behind it checks the same. */
type Allowed = (role: Role, can: Permissions) => boolean;
const admins: Allowed = (role) => role === 'admin';

interface SettingsEntry {
  href: string;
  /** translation key of the link */
  label: string;
  /** translation key of the line under it */
  hint: string;
  allowed: Allowed;
}

/**
 * The Settings page (/staff/settings): every admin page, in sections, so the
 * staff navigation keeps only daily work. A new admin page is one entry here.
 */
export const settingsSections: { key: string; entries: SettingsEntry[] }[] = [
  {
    key: 'workshop',
    entries: [
      { href: '/staff/settings/locations', label: 'staff.settingsPage.title', hint: 'board.settings.hints.locations', allowed: admins },
      { href: '/staff/settings/damage-flow-types', label: 'flowTypes.title', hint: 'board.settings.hints.flowTypes', allowed: admins },
    ],
  },
  {
    key: 'onlineBooking',
    entries: [
      { href: '/staff/settings/online-booking', label: 'leads.settings.title', hint: 'board.settings.hints.onlineBooking', allowed: (_role, can) => can.online_booking_admin },
      { href: '/staff/settings/permissions', label: 'permissions.title', hint: 'board.settings.hints.permissions', allowed: admins },
    ],
  },
  {
    key: 'messages',
    entries: [{ href: '/staff/settings/messages', label: 'messaging.texts.title', hint: 'board.settings.hints.messages', allowed: admins }],
  },
  {
    key: 'planning',
    entries: [
      { href: '/staff/settings/imports', label: 'imports.title', hint: 'imports.settingsHint', allowed: admins },
      { href: '/staff/settings/api-keys', label: 'api.keys.title', hint: 'board.settings.hints.apiKeys', allowed: admins },
    ],
  },
  {
    key: 'thirdParties',
    entries: [{ href: '/staff/settings/dms', label: 'dms.title', hint: 'board.settings.hints.dms', allowed: (_role, can) => can.dms_datastore }],
  },
];

/** The sections a staff member sees, each with the entries they may open; empty sections left out. */
export function visibleSettings(role: Role, can: Permissions) {
  return settingsSections
    .map((section) => ({ key: section.key, entries: section.entries.filter((entry) => entry.allowed(role, can)) }))
    .filter((section) => section.entries.length > 0);
}
