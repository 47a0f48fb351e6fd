# One image for every NanoFlux service: the coordinator, each agent type and the simulator (docker-compose.yml
# picks the command). NATS runs as its own service, so nats-server is not installed here.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production
# Log lines as JSON objects, for whatever collects the containers' logs; NANOFLUX_LOG_FORMAT=text (in
# deploy/nanoflux.env, or `docker run -e`) gives the concise lines a person reads.
ENV NANOFLUX_LOG_FORMAT=json

COPY package.json package-lock.json ./
# The CLI runs the TypeScript sources through tsx, a runtime dependency: no build step, no dev dependencies.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
# Run folders (dataset, report, the curator's store) go to /runs, a volume in docker-compose.yml. A new named
# volume takes the owner of the folder it is mounted on, so the unprivileged user can write there.
RUN mkdir -p /runs && chown node:node /runs
USER node

ENTRYPOINT ["node", "bin/nanoflux.mjs"]
CMD ["--help"]
