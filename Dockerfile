# Flotilla's image: one binary for `flotilla server`, `flotilla agent` and `flotilla
# etcdctl`, with etcd and etcdctl beside it so that the same image runs the etcd members
# of docker-compose.yml. Needs to pull its base images; where nothing can be pulled,
# Dockerfile.local builds the same image on a locally assembled base
# (scripts/images/build-flotilla.sh).
#   BASE        the runtime image's base (Node 20)
#   BUILD_BASE  where `npm ci` and the bundling run (Node 20 with npm)
#   ETCD_IMAGE  where etcd and etcdctl are copied from (in /usr/local/bin)
ARG BASE=node:20-bookworm-slim
ARG BUILD_BASE=node:20-bookworm-slim
ARG ETCD_IMAGE=quay.io/coreos/etcd:v3.5.17

FROM ${ETCD_IMAGE} AS etcd

FROM ${BUILD_BASE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY scripts/build.mjs ./scripts/
COPY src ./src
# The bundle (dist/, with the dashboard's files) is all of Flotilla the image gets.
RUN node scripts/build.mjs && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE}
COPY --from=etcd /usr/local/bin/etcd /usr/local/bin/etcdctl /usr/local/bin/
ENV ETCDCTL_API=3
WORKDIR /opt/flotilla
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY package.json ./
COPY bin ./bin
ENV FLOTILLA_LISTEN=0.0.0.0:7600
EXPOSE 7600
ENTRYPOINT ["node", "bin/flotilla.js"]
CMD ["server"]
