# Flotilla's image: one binary for `flotilla server` and, later, `flotilla agent`.
FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /opt/flotilla
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY package.json ./
COPY bin ./bin
ENV FLOTILLA_LISTEN=0.0.0.0:7600
EXPOSE 7600
ENTRYPOINT ["node", "bin/flotilla.js"]
CMD ["server"]
