import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import type { AppointmentRow } from '../../db/appointments';
import { checkinItemsOf, type CheckinItem } from '../../db/checkinItems';
import { messagesForAppointment } from '../../db/messages';
import { workLinesOf, type WorkLine } from '../../db/workLines';
import { formatPrice, totalsByCurrency } from '../../lib/money';
import { formatLocalDateTime, formatLocalDateTimeShort } from '../../lib/time';
import type { FieldErrors } from '../errors';
import { render } from '../render';
import { confirmationChannels, type ConfirmationDeps } from './confirmation';

export const view = (name: string) => `appointments/views/${name}`;

export const durations = [30, 60, 90, 120, 180, 240, 480] as const;

/** A form on the appointment page sent back with the staff member's input and what is wrong with it. */
export interface PageForm {
  values: Record<string, string>;
  errors: FieldErrors;
}

/** The staff who plan: everybody but mechanics, who read (C6). */
export const mayPlanRoles = ['admin', 'service_advisor', 'receptionist'] as const;
export const mayPlan = (req: Request) => (mayPlanRoles as readonly string[]).includes(req.staff!.role);

function workLinesView(lines: WorkLine[], language: string) {
  return {
    lines: lines.map((line) => ({ ...line, price: formatPrice(line.price_cents, line.currency, language) })),
    totals: totalsByCurrency(lines).map((total) => formatPrice(total.cents, total.currency, language)),
  };
}

function checkinItemView(item: CheckinItem, appointment: AppointmentRow, language: string) {
  return {
    ...item,
    price: item.price_cents === null ? '' : formatPrice(item.price_cents, item.currency, language),
    handledWhen: item.handled_at ? formatLocalDateTimeShort(item.handled_at, appointment.time_zone, language) : '',
  };
}

/** The move form as it starts: the appointment's own start (location time) and duration. */
function moveDefaults(appointment: AppointmentRow): Record<string, string> {
  const start = DateTime.fromJSDate(appointment.starts_at, { zone: appointment.time_zone });
  const minutes = Math.round((appointment.ends_at.getTime() - appointment.starts_at.getTime()) / 60_000);
  return { starts: start.toFormat("yyyy-MM-dd'T'HH:mm"), duration: String(minutes) };
}

/**
 * The appointment page: for planners the check-in answers above the work
 * lines (C5-C7), the move form and the confirmation; for a mechanic a
 * read-only page with the work lines and the remarks made visible (C6).
 */
export async function renderAppointmentPage(
  deps: ConfirmationDeps,
  req: Request,
  res: Response,
  appointment: AppointmentRow,
  forms: { move?: PageForm; refused?: string } = {},
) {
  const { db } = deps;
  const language = req.language;
  const common = {
    appointment,
    when: formatLocalDateTime(appointment.starts_at, appointment.time_zone, language),
    until: formatLocalDateTime(appointment.ends_at, appointment.time_zone, language),
    workLines: workLinesView(await workLinesOf(db, appointment.id), language),
  };
  if (!mayPlan(req)) {
    const remarks = await checkinItemsOf(db, appointment.id, { mechanic: true });
    return render(req, res, view('mechanic'), { ...common, remarks: remarks.map((item) => checkinItemView(item, appointment, language)) });
  }

  const items = (await checkinItemsOf(db, appointment.id)).map((item) => checkinItemView(item, appointment, language));
  const defaults = moveDefaults(appointment);
  const move = forms.move ?? { values: defaults, errors: {} };
  render(req, res, view('appointment'), {
    ...common,
    checkin: {
      completedWhen: appointment.checkin_completed_at ? formatLocalDateTimeShort(appointment.checkin_completed_at, appointment.time_zone, language) : '',
      // C7: a converted service has become a work line and leaves this section.
      services: items.filter((item) => item.kind === 'service' && !(item.answer === 'accepted' && item.work_line_id !== null)),
      remarks: items.filter((item) => item.kind === 'remark'),
    },
    move,
    durations: [...new Set([...durations, Number(defaults.duration)])].sort((a, b) => a - b),
    channels: await confirmationChannels(deps, appointment),
    messages: (await messagesForAppointment(db, appointment.id)).map((m) => ({
      ...m,
      when: formatLocalDateTimeShort(m.created_at, appointment.time_zone, language),
    })),
    created: typeof req.query.created === 'string' ? req.query.created : '',
    done: typeof req.query.done === 'string' ? req.query.done : '',
    refused: forms.refused ?? '',
  });
}
