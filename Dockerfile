# One image for the web, worker and migrate processes; the command picks which
# (docker-compose.yml): node dist/server.js, node dist/worker.js, node dist/migrate.js.

# Build stage: every package (esbuild, tsx, the Temporal SDK's webpack), then
# npm run build (scripts/build.ts): the bundles and the prebuilt workflow
# bundle in dist/, staged in /app with the files they read at run time (Eta
# views, web/public, web/api/openapi.json, lib/locales, the mail templates),
# laid out as in the source tree (lib/appRoot.ts finds them there).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -- --stage /app

# Runtime stage: production dependencies only (no tsx, esbuild, embedded
# PostgreSQL, MailDev or test tools) and the staged build; no TypeScript sources.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app ./
RUN mkdir -p /data/uploads /data/imports && chown -R node:node /data
USER node
EXPOSE 3000
# The web process's node options: scripts/build.ts webNodeOptions.
CMD ["node", "--heap-growing-percent=50", "dist/server.js"]
