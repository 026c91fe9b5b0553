# The evaluation service (`payer-rules serve`) and queue worker (`payer-rules worker`) as a container
# image. Everything is installed and bundled while the image is built; at run time the container
# needs no network except the clients it serves (and Redis, for workers). docs/deployment.md has
# the rest: replicas behind a reverse proxy, keys, rulesets, metrics to alert on.
#
#   docker build -t payer-rules .
#   docker run --rm -p 4880:4880 -v "$PWD/rulesets:/rulesets:ro" \
#     -v "$PWD/keys.txt:/run/secrets/payer-rules-api-keys:ro" payer-rules
#   docker run --rm payer-rules worker --redis rediss://:PASSWORD@redis.internal:6380

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only (no browser, no Vite); install scripts are not needed at run time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY . .
# Bundle the command and the service threads now, so the running container never writes or fetches.
RUN node bin/payer-rules.mjs help > /dev/null \
 && node --import tsx --input-type=module -e "await (await import('./server/thread-script.ts')).threadScript()" \
 && ls node_modules/.cache/payer-rules/bin-*/main.mjs > /dev/null \
 && test -f node_modules/.cache/payer-rules/server/thread.mjs

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
# The shipped rulesets are the default; mount your own at /rulesets (read-only is fine: it is watched).
RUN mkdir -p /rulesets && cp -r /app/rulesets/. /rulesets/ && chown -R node:node /rulesets
USER node
EXPOSE 4880
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:4880/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/payer-rules.mjs"]
# 0.0.0.0 inside the container (the proxy reaches it); keys are required there, so the service
# refuses to start without the keys file.
CMD ["serve", "--rulesets", "/rulesets", "--host", "0.0.0.0", "--port", "4880", "--api-keys", "/run/secrets/payer-rules-api-keys", "--trust-proxy"]
