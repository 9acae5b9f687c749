/**
 * Writes web/api/openapi.json from web/api/openapi.ts (the route's zod
 * schemas). Run it after changing the API; test/api.openapi.test.ts fails
 * while the file and the schemas differ.
 *   npx tsx scripts/openapi.ts
 */
import { writeFile } from 'node:fs/promises';
import { openApiDocument, openApiFile } from '../web/api/openapi';

await writeFile(openApiFile, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${openApiFile}`);
