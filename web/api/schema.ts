import { z } from 'zod';
import { languages } from '../../lib/i18n';

/**
 * W2: what POST /api/v1/appointments accepts, the one definition: the route
 * validates with it and web/api/openapi.json is generated from it
 * (scripts/openapi.ts), so the published schema cannot drift from the route.
 * Unknown fields are refused: a planner sending `startsAt` hears about it.
 */
const text = (max: number, description: string) => z.string().trim().max(max).optional().meta({ description });

/** With or without seconds, with an offset (absolute) or without (the location's local time). */
const moment = (description: string) =>
  z.iso.datetime({ local: true, offset: true }).meta({ description, examples: ['2026-12-10T08:30', '2026-12-10T08:30:00+01:00'] });

export const plannerCustomerSchema = z
  .strictObject({
    first_name: text(100, 'First name.'),
    last_name: text(100, 'Last name.'),
    email: z
      .string()
      .trim()
      .max(200)
      .pipe(z.union([z.literal(''), z.email()]))
      .optional()
      .meta({ description: 'E-mail address; the same address in any case is the same customer.' }),
    phone: text(40, 'Phone number in any notation (+32 470 12 34 56, 0470/12.34.56).'),
    customer_number: text(40, 'The customer number in the dealer management system, if the planner knows it.'),
    language: z.enum(languages).optional().meta({ description: 'Language of the messages the customer gets.' }),
  })
  .meta({ description: 'Who comes. Matched against the customer file (number, then e-mail, then phone); unknown customers are added.' });

export const plannerVehicleSchema = z
  .strictObject({
    plate: text(20, 'Registration plate in any notation (1-ABC-234, 1abc234).'),
    vin: z
      .string()
      .regex(/^[A-HJ-NPR-Za-hj-npr-z0-9 -]{17,25}$/)
      .optional()
      .meta({ description: 'Vehicle identification number, 17 characters (spaces and dashes are ignored).' }),
    make: text(60, 'Make (Volkswagen).'),
    model: text(60, 'Model (Golf).'),
  })
  .meta({ description: 'Which vehicle. Matched against the vehicle file by VIN, else plate; unknown vehicles are added.' });

export const plannerAppointmentSchema = z
  .strictObject({
    external_id: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .meta({ description: "The planner's id of the appointment. Pushing the same id again updates that appointment instead of adding one." }),
    source: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .optional()
      .meta({ description: 'Name of the planning system, when one company pushes from several (default "planner"). external_id is unique per source.' }),
    location: z
      .union([z.string().trim().min(1).max(64), z.int().positive()])
      .optional()
      .meta({ description: "Our location's slug or id. Required when the company has more than one location." }),
    starts_at: moment('Start. Without an offset it is the local time of the location. The only required field besides external_id.'),
    ends_at: moment('End, after starts_at. Default: starts_at plus duration_minutes.').optional(),
    duration_minutes: z.int().min(1).max(1440).optional().meta({ description: 'Length when ends_at is not given (default 60 for a new appointment).' }),
    customer: plannerCustomerSchema.optional(),
    vehicle: plannerVehicleSchema.optional(),
    work_description: text(2000, 'The work planned ("oil service, air-co check"), shown on the card.'),
    notes: text(2000, 'Notes for the workshop.'),
    cancelled: z
      .boolean()
      .optional()
      .meta({ description: 'true: the appointment was cancelled in the planner. Refused (outcome failed, reason cancelRefused) once the vehicle is in.' }),
  })
  .meta({ description: 'One appointment from the planning system. A field left out keeps what the appointment has.' });

export const maxAppointmentsPerPush = 500;

export const plannerBatchSchema = z
  .strictObject({
    appointments: z.array(plannerAppointmentSchema).min(1).max(maxAppointmentsPerPush).meta({ description: `1 to ${maxAppointmentsPerPush} appointments.` }),
  })
  .meta({ description: 'Several appointments at once; each is imported on its own.' });

export type PlannerAppointment = z.output<typeof plannerAppointmentSchema>;

/** A body is a batch when it has `appointments`, else one appointment: the two never share a field. */
export const isBatch = (body: unknown): body is { appointments: unknown } => typeof body === 'object' && body !== null && !Array.isArray(body) && 'appointments' in body;

/** The answer to a push: one result per appointment, in the order sent. */
export const importResultSchema = z
  .strictObject({
    external_id: z.string().meta({ description: 'The external_id sent.' }),
    outcome: z.enum(['added', 'updated', 'unchanged', 'failed']).meta({ description: 'What the push did to this appointment.' }),
    appointment_id: z.int().optional().meta({ description: 'Our id of the appointment.' }),
    reason: z
      .enum(['cancelRefused', 'rejectedByDatabase', 'cancelled', 'done', 'cancelledBeforeImport'])
      .optional()
      .meta({
        description:
          'Why it failed or changed nothing: cancelRefused (the vehicle is in: the workshop decides), rejectedByDatabase (a value we cannot store), cancelled (cancelled here: a push does not revive it), done (the visit happened), cancelledBeforeImport (cancelled before we ever had it).',
      }),
  })
  .meta({ description: 'The outcome of one appointment.' });

export const pushResponseSchema = z.strictObject({ results: z.array(importResultSchema) }).meta({ description: 'One result per appointment sent, in order.' });

/** RFC 9457 problem details, with the fields at fault for a 400. */
export const problemSchema = z
  .strictObject({
    type: z.string().meta({ description: 'about:blank' }),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    errors: z
      .array(
        z.strictObject({
          path: z.string().meta({ description: 'JSONPath of the field at fault, e.g. $.appointments[2].starts_at' }),
          code: z.string().meta({ description: 'required, invalidType, invalidFormat, tooLong, tooShort, tooBig, tooSmall, invalidValue, unknownField, unknownLocation, locationRequired, endsBeforeStart, invalid' }),
          message: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ description: 'What was wrong with the request (application/problem+json).' });

/** The named schemas of the OpenAPI document (components.schemas), each referenced where it is used. */
export const apiSchemas = z.registry<{ id: string }>();
apiSchemas.add(plannerAppointmentSchema, { id: 'Appointment' });
apiSchemas.add(plannerCustomerSchema, { id: 'Customer' });
apiSchemas.add(plannerVehicleSchema, { id: 'Vehicle' });
apiSchemas.add(plannerBatchSchema, { id: 'AppointmentBatch' });
apiSchemas.add(importResultSchema, { id: 'ImportResult' });
apiSchemas.add(pushResponseSchema, { id: 'PushResponse' });
apiSchemas.add(problemSchema, { id: 'Problem' });
