# syntax=docker/dockerfile:1

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY nest-cli.json tsconfig.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM to node (which then drains) and reaps zombies.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=8001
WORKDIR /app
# The bundle keeps node_modules external, so the runtime needs the production deps.
# None of them has an install script, hence --ignore-scripts.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Files stay owned by root: the node user can read them but not change them.
USER node
EXPOSE 8001
ENTRYPOINT ["/usr/bin/tini", "--"]
# V8 flags as in `npm run start:prod` (a smaller young generation: docs/performance.md).
CMD ["node", "--max-semi-space-size=8", "dist/apps/gateway/main.js"]
