# syntax=docker/dockerfile:1
#
# The image of one app of the monorepo, chosen by the build argument APP:
#   ingest-api   the HTTP API on PORT (8080) and its ops server (GET /metrics, /health, /ready) on
#                INGEST_OPS_PORT (8083); its image also runs the one-shot `migrate` job
#   dispatcher   the Kafka consumer that delivers events to Meta CAPI and GA4, with an ops HTTP
#                server (GET /health, GET /ready) on DISPATCHER_PORT (8081)
#   pruner       the scheduled retention job (PRUNE_SCHEDULE, cron), with an ops HTTP server on
#                PRUNER_PORT (8082); run one active replica
#   cli          the operator CLI `attribution` (docs/cli.md): no server; the container's
#                arguments are the command line
#   console      the operator console on CONSOLE_PORT (8084), with /health and /ready on the same
#                port; one replica (sessions live in its memory), never on a public address
# Build with the repo root as context:
#   docker build --build-arg APP=ingest-api -t attribution/ingest-api .
#   docker build --build-arg APP=dispatcher -t attribution/dispatcher .
#   docker build --build-arg APP=pruner     -t attribution/pruner .
#   docker build --build-arg APP=console    -t attribution/console .
#   docker build --build-arg APP=cli        -t attribution/cli .
# Run:
#   docker run --rm -p 127.0.0.1:8080:8080 -e DATABASE_URL=... -e KAFKA_BROKERS=host:9092 attribution/ingest-api
#   docker run --rm -e DATABASE_URL=... attribution/ingest-api node packages/db/dist/bin/migrate.js
#   docker run --rm -e DATABASE_URL=... -e KAFKA_BROKERS=host:9092 -e CREDENTIALS_KEY=... attribution/dispatcher
#   docker run --rm -e DATABASE_URL=... attribution/pruner
#   docker run --rm -p 127.0.0.1:8084:8084 -e DATABASE_URL=... -e KAFKA_BROKERS=host:9092 -e CONSOLE_ADMIN_TOKEN=... attribution/console
#   docker run --rm -e DATABASE_URL=... attribution/cli tenant create --name "Shop"
# The image holds the compiled app, the workspaces in its production dependency closure and their
# production node_modules: no test harness, no embedded PostgreSQL, no browser. See
# docs/deployment.md.

# Pinned by tag; pin by digest too for reproducible releases (docs/deployment.md).
ARG NODE_IMAGE=node:20.20-bookworm-slim
# No default: building some app by accident is worse than failing (see the runner stage).
ARG APP

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
ENV TURBO_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
WORKDIR /app

# ---------------------------------------------------------------------------------------------
# pruner: the subset of the monorepo this app needs (out/json: package.json files + lockfile,
# out/full: their sources, out/package-lock.json: the pruned lockfile). turbo prune follows
# workspace dependencies and devDependencies, so packages/tsconfig (a devDependency of every
# workspace, extended by every tsconfig) comes along without being named. Not `--production`:
# it drops workspace devDependencies from the tree but not from the package.json files, so `npm
# ci` would then look for @attribution/tsconfig on the public registry.
# build-only-workspaces lists the pruned workspaces that are not in the app's production
# dependency closure (`dependencies` and `optionalDependencies`, followed through workspaces):
# packages/tsconfig, and for the dispatcher packages/cli (its integration test uses it). They are
# needed to build, not to run, and are deleted from the image below.
FROM base AS pruner
ARG APP
COPY package-lock.json ./
# The same turbo version as the lockfile's, so the prune and the build agree.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm install --global --ignore-scripts \
      "turbo@$(node -p "require('./package-lock.json').packages['node_modules/turbo'].version")"
COPY . .
RUN turbo prune "@attribution/${APP}" --docker \
 && node -e ' \
      const pkg = (dir) => require("./out/json/" + dir + "/package.json"); \
      const dirOf = new Map(pkg(".").workspaces.map((dir) => [pkg(dir).name, dir])); \
      const runtime = new Set(); \
      for (const todo = [process.argv[1]]; todo.length > 0; ) { \
        const name = todo.pop(); \
        if (runtime.has(name) || !dirOf.has(name)) continue; \
        runtime.add(name); \
        const { dependencies = {}, optionalDependencies = {} } = pkg(dirOf.get(name)); \
        todo.push(...Object.keys(dependencies), ...Object.keys(optionalDependencies)); \
      } \
      for (const [name, dir] of dirOf) if (!runtime.has(name)) console.log(dir, name); \
    ' "@attribution/${APP}" > out/build-only-workspaces

# ---------------------------------------------------------------------------------------------
# installer: all dependencies (dev included), then the build of this app and its workspaces.
# --ignore-scripts: npm 11 (our dev/CI npm) runs no install scripts by default and nothing needs
# them; the npm 10 bundled in the node image would otherwise run @prisma/engines' postinstall,
# which downloads engine binaries we never use (Prisma 7 runs with no native engine here).
FROM base AS installer
ARG APP
COPY --from=pruner /app/out/json/ ./
COPY --from=pruner /app/out/package-lock.json ./package-lock.json
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --ignore-scripts
COPY --from=pruner /app/out/full/ ./
COPY --from=pruner /app/out/build-only-workspaces /tmp/
# packages/db's build depends on its `generate` task (turbo.json): prisma generate writes the
# client to packages/db/src/generated, which tsc compiles into packages/db/dist/generated.
# Then only what runs is kept, for the runner to copy apps/ and packages/ whole: the build-only
# workspaces go, and of each other one its package.json and dist/ stay, plus the folders read at
# run time: packages/db/prisma (schema + migrations) and packages/db/runtime (the Wasm migration
# worker), for the migrate job, and packages/pixel/versions (the published tracking.js files and
# their manifest, verified at boot). Sources, tests, tsconfigs, build scripts, node_modules (dev
# included: the runner takes prod-deps'), the pixel's dev bundle dist-browser/ (never served) and
# tsc's build info all go. The CLI's tree has no apps/ (it is a package): an empty one keeps the
# trimming and the runner's copies the same for every image.
RUN npx turbo run build --filter="@attribution/${APP}..." \
 && mkdir -p apps \
 && while read -r dir _name; do rm -rf "$dir"; done < /tmp/build-only-workspaces \
 && find apps packages -mindepth 2 -maxdepth 2 ! -name dist ! -name package.json \
      ! -path packages/db/prisma ! -path packages/db/runtime ! -path packages/pixel/versions \
      -exec rm -rf {} + \
 && find apps packages -name '*.tsbuildinfo' -delete

# ---------------------------------------------------------------------------------------------
# prod-deps: production dependencies only. Depends on the package.json files and the lockfile
# only, so it stays cached while sources change, and runs in parallel with the build.
# The devDependencies are deleted from the package.json files first. The pruned lockfile keeps
# the dev flags of the whole repo, where playwright-core, say, is a production dependency (of
# packages/testing), and the image's npm 10.8.2 trusts those flags: its `npm ci --omit=dev`
# installed playwright-core into the ingest-api image, because packages/pixel lists it among its
# devDependencies. With the devDependencies gone, npm sees that package.json no longer matches the
# lockfile's root and works the flags out again from this tree's own dependencies. The versions
# installed stay exactly the lockfile's. npm links every pruned workspace; the build-only ones
# are unlinked again (their folders are not in the image).
FROM base AS prod-deps
COPY --from=pruner /app/out/json/ ./
COPY --from=pruner /app/out/package-lock.json ./package-lock.json
COPY --from=pruner /app/out/build-only-workspaces /tmp/
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm pkg delete devDependencies --workspaces --include-workspace-root \
 && npm ci --omit=dev --ignore-scripts \
 && while read -r dir name; do rm -rf "$dir" "node_modules/$name"; done < /tmp/build-only-workspaces

# ---------------------------------------------------------------------------------------------
# runtime: what every app's final image starts from.
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1: forwards SIGTERM to node (graceful shutdown) and reaps zombies.
# The image's npm, npx, corepack and yarn are removed: nothing runs them at run time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
 && rm -rf /var/lib/apt/lists/* \
 && rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
      /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
# Set here, before the per-app CMD: an ENTRYPOINT resets the CMD of the stage it is set in.
ENTRYPOINT ["/usr/bin/tini", "--"]

# The apps that serve HTTP start from here. Liveness only (GET /health) on the app's own port,
# read at run time so that an overridden port variable is followed. Readiness (GET /ready:
# database and broker reachable) is for the orchestrator's readiness probe / load balancer, not
# for a restart decision.
FROM runtime AS server
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const e=process.env;fetch('http://127.0.0.1:'+(e[e.APP_PORT_VARIABLE]||e.APP_PORT)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# What differs between the apps, one stage each, picked by `FROM app-${APP}` below (a Dockerfile
# has no conditionals): APP_PORT_VARIABLE names the variable the app reads its HTTP port from (the
# API's for the ingest-api, the ops server's for the others), APP_PORT is that port, set in that
# variable as the app's own default and exposed; CMD is the exec form (no variables in it), so
# node is tini's direct child.
FROM server AS app-ingest-api
ENV APP_PORT_VARIABLE=PORT APP_PORT=8080
ENV ${APP_PORT_VARIABLE}=${APP_PORT}
EXPOSE ${APP_PORT}
CMD ["node", "apps/ingest-api/dist/main.js"]

FROM server AS app-dispatcher
ENV APP_PORT_VARIABLE=DISPATCHER_PORT APP_PORT=8081
ENV ${APP_PORT_VARIABLE}=${APP_PORT}
EXPOSE ${APP_PORT}
CMD ["node", "apps/dispatcher/dist/main.js"]

FROM server AS app-pruner
ENV APP_PORT_VARIABLE=PRUNER_PORT APP_PORT=8082
ENV ${APP_PORT_VARIABLE}=${APP_PORT}
EXPOSE ${APP_PORT}
CMD ["node", "apps/pruner/dist/main.js"]

FROM server AS app-console
ENV APP_PORT_VARIABLE=CONSOLE_PORT APP_PORT=8084
ENV ${APP_PORT_VARIABLE}=${APP_PORT}
EXPOSE ${APP_PORT}
CMD ["node", "apps/console/dist/main.js"]

# The CLI is a command, not a server: no port, no healthcheck. The arguments of `docker run` (or
# `docker compose run cli`) are its command line; without any, its help.
FROM runtime AS app-cli
ENTRYPOINT ["/usr/bin/tini", "--", "node", "packages/cli/dist/bin.js"]
CMD ["--help"]

# ---------------------------------------------------------------------------------------------
# runner: the final image, the same for every app. A missing APP fails here with the message
# below; an unknown one fails as an image that cannot be pulled (docker.io/library/app-<APP>).
# (hadolint takes app-${APP} for an untagged image: it is one of the stages above.)
# hadolint ignore=DL3006
FROM app-${APP:?set_--build-arg_APP=ingest-api|dispatcher|pruner|console|cli} AS runner
ARG APP
# The release (the workflow passes the git tag without its "v", or the commit for main builds):
# attribution_build_info{version} and the OCI labels say what runs, not "dev".
ARG APP_VERSION=dev
ARG VCS_REF=unknown
ARG BUILD_DATE=unknown
ARG SOURCE_URL=unknown
LABEL org.opencontainers.image.title="attribution-${APP}" \
      org.opencontainers.image.description="Self-hosted server-side conversion tracking engine: ${APP}" \
      org.opencontainers.image.version="${APP_VERSION}" \
      org.opencontainers.image.revision="${VCS_REF}" \
      org.opencontainers.image.created="${BUILD_DATE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="${SOURCE_URL}"
ENV NODE_ENV=production \
    APP_VERSION=${APP_VERSION}
WORKDIR /app
# package.json files + production node_modules (root and per-workspace), then the compiled code
# and run-time folders of the app and of its production workspaces (trimmed in the installer).
# Files stay owned by root and read-only for the `node` user: the app never writes to /app (the
# migration worker reads the schema-engine wasm in place, it does not copy it).
COPY --from=prod-deps /app/ ./
COPY --from=installer /app/packages/ packages/
COPY --from=installer /app/apps/ apps/
# The image's unprivileged `node` user (uid/gid 1000), numeric so that Kubernetes'
# runAsNonRoot can verify it.
USER 1000:1000
STOPSIGNAL SIGTERM
