# One image for both services; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY relay ./relay
COPY tool-server ./tool-server
COPY openapi ./openapi
COPY github ./github
COPY store ./store
COPY lib ./lib
COPY tsconfig.json ./
ENV DATA_DIR=/data NODE_ENV=production
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
CMD ["npx", "tsx", "bin/start.ts"]
