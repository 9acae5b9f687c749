# One image for both web and worker processes; the command picks which.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
RUN mkdir -p /data/uploads /data/imports && chown -R node:node /data
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "web/server.ts"]
