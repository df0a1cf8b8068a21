# syntax=docker/dockerfile:1

# The Node.js the image ships: an LTS line, pinned to a release (docs/deployment.md, "Runtime").
# .ci/run runs the end-to-end suite under this exact release (scripts/ensure-node.sh reads it here).
ARG NODE_VERSION=26.10.0
# Debian 13 (trixie), the Node 26 images' default; bookworm leaves regular security support.
ARG NODE_DISTRO=trixie-slim
# Pin the base image by content as well for reproducible builds, e.g.
#   --build-arg NODE_DIGEST=@sha256:<digest of node:26.10.0-trixie-slim>
# (`docker buildx imagetools inspect node:26.10.0-trixie-slim` prints it). Empty: by tag alone.
ARG NODE_DIGEST=
ARG NODE_IMAGE=node:${NODE_VERSION}-${NODE_DISTRO}${NODE_DIGEST}

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

# What the image is (OCI annotations): set VERSION and REVISION when building, e.g.
#   --build-arg VERSION=$(node -p "require('./package.json').version") --build-arg REVISION=$(git rev-parse HEAD)
ARG NODE_VERSION
ARG NODE_DISTRO
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=
LABEL org.opencontainers.image.title="at-gateway" \
      org.opencontainers.image.description="The trusted ingress for trading signals: authenticated webhooks in, acknowledged JetStream events out." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.base.name="docker.io/library/node:${NODE_VERSION}-${NODE_DISTRO}"

# gateway_build_info{revision} reads it.
ENV NODE_ENV=production PORT=8001 GIT_REVISION=${REVISION}
WORKDIR /app
# The bundle keeps node_modules external, so the runtime needs the production deps.
# None of them has an install script, hence --ignore-scripts.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
# Files stay owned by root: the node user can read them but not change them.
USER node
# 8001: webhooks (public); 8002: /metrics and probes when MANAGEMENT_PORT=8002 (docs/deployment.md).
EXPOSE 8001 8002
ENTRYPOINT ["/usr/bin/tini", "--"]
# V8 flags as in `npm run start:prod` (a smaller young generation: docs/performance.md).
CMD ["node", "--max-semi-space-size=8", "dist/apps/gateway/main.js"]
