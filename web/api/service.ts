import type { z } from 'zod';
import { LocationResolver, plannerSource, plannerTime, type ImportedAppointment } from '../../db/appointmentImport';
import { importPlannerAppointments, type AppointmentImportDeps } from '../../clients/appointmentImport';
import { isBatch, plannerAppointmentSchema, plannerBatchSchema, type PlannerAppointment, problemSchema, pushResponseSchema } from './schema';

export type Problem = z.infer<typeof problemSchema>;
export type FieldProblem = NonNullable<Problem['errors']>[number];
export type PushAnswer = { status: 200; body: z.infer<typeof pushResponseSchema> } | { status: 400; body: Problem };

/** `$.appointments[2].customer.email` */
export const jsonPath = (path: readonly PropertyKey[]) => '$' + path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${String(step)}`)).join('');

const issueCodes: Record<string, string> = {
  invalid_format: 'invalidFormat',
  invalid_value: 'invalidValue',
  invalid_union: 'invalid',
  unrecognized_keys: 'unknownField',
};

function fieldProblems(issues: z.core.$ZodIssue[]): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: jsonPath([...issue.path, key]), code: 'unknownField', message: `Unknown field "${key}".` }));
    }
    if (issue.code === 'invalid_type') {
      const missing = issue.input === undefined;
      return [{ path: jsonPath(issue.path), code: missing ? 'required' : 'invalidType', message: missing ? 'Required.' : issue.message }];
    }
    if (issue.code === 'too_big' || issue.code === 'too_small') {
      const text = issue.origin === 'string';
      const code = issue.code === 'too_big' ? (text ? 'tooLong' : 'tooBig') : text ? 'tooShort' : 'tooSmall';
      return [{ path: jsonPath(issue.path), code, message: issue.message }];
    }
    return [{ path: jsonPath(issue.path), code: issueCodes[issue.code] ?? 'invalid', message: issue.message }];
  });
}

export const badRequest = (detail: string, errors?: FieldProblem[]): Problem => ({
  type: 'about:blank',
  title: 'Bad Request',
  status: 400,
  detail,
  ...(errors ? { errors } : {}),
});

/** What the planner sent, as the import writer takes it. */
const imported = (row: PlannerAppointment): ImportedAppointment => row;

/**
 * The business rules a whole push is refused for before anything is
 * written: a location that is not the company's (or none where the company
 * has several), an end before the start.
 */
async function ruleProblems(deps: AppointmentImportDeps, companyId: number, rows: PlannerAppointment[], at: (i: number) => PropertyKey[]): Promise<FieldProblem[]> {
  const locations = await LocationResolver.forCompany(deps.db, companyId);
  const problems: FieldProblem[] = [];
  rows.forEach((row, i) => {
    const location = locations.resolve(row.location);
    if (location === 'unknownLocation') {
      problems.push({ path: jsonPath([...at(i), 'location']), code: 'unknownLocation', message: `No location "${row.location}" in your company.` });
      return;
    }
    if (location === 'locationRequired') {
      problems.push({ path: jsonPath([...at(i), 'location']), code: 'locationRequired', message: 'Your company has several locations: say which (slug or id).' });
      return;
    }
    const starts = plannerTime(row.starts_at, location.time_zone);
    const ends = row.ends_at === undefined ? undefined : plannerTime(row.ends_at, location.time_zone);
    if (starts && ends && ends <= starts) problems.push({ path: jsonPath([...at(i), 'ends_at']), code: 'endsBeforeStart', message: 'ends_at must be after starts_at.' });
  });
  return problems;
}

/**
 * POST /api/v1/appointments: one appointment or a batch, all valid or none
 * written (400 naming every field at fault); then each is imported on its
 * own (db/appointmentImport.ts) and its check-in workflow told.
 */
export async function pushAppointments(deps: AppointmentImportDeps, companyId: number, body: unknown): Promise<PushAnswer> {
  const batch = isBatch(body);
  const parsed = batch ? plannerBatchSchema.safeParse(body) : plannerAppointmentSchema.safeParse(body);
  if (!parsed.success) return { status: 400, body: badRequest('Some fields are missing or invalid; nothing was written.', fieldProblems(parsed.error.issues)) };
  const rows: PlannerAppointment[] = 'appointments' in parsed.data ? parsed.data.appointments : [parsed.data];
  const at = (i: number): PropertyKey[] => (batch ? ['appointments', i] : []);
  const problems = await ruleProblems(deps, companyId, rows, at);
  if (problems.length > 0) return { status: 400, body: badRequest('Some fields are invalid; nothing was written.', problems) };

  const outcomes = await importPlannerAppointments(deps, companyId, rows.map(imported), { source: plannerSource });
  return {
    status: 200,
    body: {
      results: outcomes.map((outcome, i) => ({
        external_id: rows[i]!.external_id,
        outcome: outcome.outcome,
        ...(outcome.appointmentId !== undefined ? { appointment_id: outcome.appointmentId } : {}),
        ...(outcome.reason ? { reason: outcome.reason as z.infer<typeof pushResponseSchema>['results'][number]['reason'] } : {}),
      })),
    },
  };
}
