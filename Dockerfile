# One image for both services; docker-compose.yml picks the command (bin/relay.ts or bin/tool-server.ts).
# Node 20.20 is the version the project is tested on.

# --- build: production dependencies, with the one native module compiled ---------------------------
FROM node:20.20-bookworm-slim AS build
# better-sqlite3 fetches a prebuilt binary when one exists for this Node and libc, and compiles
# itself otherwise; the toolchain makes the second way work without network access to GitHub.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Every COPY sets the mode: files keep their host modes otherwise (a clone made under umask 077 gives
# 600 files and 700 folders). Octal, the notation every BuildKit version accepts; where folders are
# copied, they need the x bits, so their files get them too.
COPY --chmod=644 package.json package-lock.json ./
# Install scripts run only for the packages package.json's allowScripts trusts (the same rule as on
# a developer's machine): swagger-ui's analytics postinstall, for one, never runs.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 esbuild \
 && npm cache clean --force

# --- runtime: no compiler, no dev dependencies, not root --------------------------------------------
FROM node:20.20-bookworm-slim
ENV NODE_ENV=production DATA_DIR=/data
# In a container the services must listen on every interface to be reached at all (npm start keeps
# loopback). The relay is reached through Caddy on the compose network, whose addresses are private:
# their X-Forwarded-For names the client. Run the image with nothing in front, and set TRUST_PROXY=off.
ENV HOST=0.0.0.0 TRUST_PROXY=uniquelocal
WORKDIR /app
# The code and its dependencies stay owned by root, readable by the service user but not changeable
# by it; --chmod makes them readable whatever the modes they had where they came from.
COPY --chmod=755 --from=build /app/node_modules ./node_modules
# What goes in is decided by .dockerignore, an allow-list (no tests, data, .env, keys or caches).
COPY --chmod=755 . .
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8086 8087
# node with tsx's loader rather than npx/tsx wrappers: node is PID 1 then, so `docker stop`'s SIGTERM
# reaches the service's own shutdown (runs finish or go back to the queue) instead of a wrapper.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "--import", "tsx", "bin/healthcheck.ts"]
CMD ["node", "--import", "tsx", "bin/start.ts"]
