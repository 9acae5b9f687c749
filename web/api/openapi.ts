import { z } from 'zod';
import { fromRoot } from '../../lib/appRoot';
import { apiSchemas, maxAppointmentsPerPush } from './schema';

/** The published description of the planner API; the app serves this file (GET /api/openapi.yaml, /api/openapi.json). */
export const openApiFile = fromRoot('web', 'api', 'openapi.json');

/** The example of the request body, in the document and accepted by the route (test/api.push.db.test.ts). */
export const pushExample = {
  appointments: [
    {
      external_id: 'PLN-2026-000123',
      location: 'gent',
      starts_at: '2026-12-10T08:30',
      duration_minutes: 90,
      customer: { first_name: 'Marie', last_name: 'Janssens', email: 'marie.janssens@example.com', phone: '+32 470 12 34 56', language: 'nl' },
      vehicle: { plate: '1-ABC-234', vin: 'WVWZZZ1JZXW000001', make: 'Volkswagen', model: 'Golf' },
      work_description: 'Oil service, air-co check',
      notes: 'Customer waits.',
    },
    { external_id: 'PLN-2026-000124', location: 'gent', starts_at: '2026-12-10T10:00:00+01:00' },
  ],
};

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/**
 * The OpenAPI 3.1 document: the paths written here, the schemas generated
 * from the zod schemas the route validates with (web/api/schema.ts).
 * scripts/openapi.ts writes it to web/api/openapi.json; a test fails when
 * the file and this differ.
 */
export function openApiDocument() {
  const { schemas } = z.toJSONSchema(apiSchemas, { io: 'input', uri: (id) => `#/components/schemas/${id}` });
  const components = Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Workshop platform: planning system API',
      version: '1.0.0',
      description:
        'A workshop planning system pushes its appointments here (W2). They appear on the aftersales board of the location. ' +
        'Pushing an appointment again (the same external_id) updates it: time, work description, notes, contact, customer and vehicle. ' +
        'The board column (what the workshop did with the car), the colour label and comments are never changed by a push.',
    },
    servers: [{ url: '/', description: 'This deployment' }],
    security: [{ apiKey: [] }],
    paths: {
      '/api/v1/appointments': {
        post: {
          operationId: 'pushAppointments',
          summary: 'Add or update appointments',
          description:
            `One appointment, or {"appointments": [...]} with up to ${maxAppointmentsPerPush}. Idempotent by external_id: sending the same body twice adds nothing the second time. ` +
            'Each appointment is imported on its own; the answer says what happened to each. A body with any invalid field is refused whole (400) and nothing is written.',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { oneOf: [{ $ref: '#/components/schemas/Appointment' }, { $ref: '#/components/schemas/AppointmentBatch' }] },
                example: pushExample,
              },
            },
          },
          responses: {
            '200': { description: 'Imported; one result per appointment.', content: { 'application/json': { schema: { $ref: '#/components/schemas/PushResponse' } } } },
            '400': problem('Not JSON, or a field is missing or invalid (errors names each, by JSONPath). Nothing was written.'),
            '401': problem('No API key, or one that is unknown or revoked.'),
            '413': problem('The body is larger than 1 MB: send fewer appointments at once.'),
            '415': problem('The body is not application/json.'),
            '429': problem('Too many requests from this client; see the RateLimit and Retry-After headers.'),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'Authorization: Bearer <key>. Admins create keys under Settings → Planning system (API); a key is shown once.',
        },
      },
      schemas: components,
    },
  };
}
