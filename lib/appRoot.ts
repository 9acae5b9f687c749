import path from 'node:path';

/**
 * The project root, where the files the processes read at run time live in
 * their source places: web/<feature>/views/*.eta, web/public, web/api/openapi.json,
 * lib/locales, activities/mail/templates, node_modules (htmx, Sortable).
 * This module sits one folder below the root both as source (lib/appRoot.ts,
 * under tsx and vitest) and bundled into dist/server.js, dist/worker.js or
 * dist/migrate.js (scripts/build.ts), so the same parent folder is right in
 * both; the image keeps that layout (Dockerfile).
 */
export const appRoot = path.resolve(import.meta.dirname, '..');

/** A path under the project root: `fromRoot('web', 'public')`. */
export const fromRoot = (...segments: string[]) => path.join(appRoot, ...segments);
