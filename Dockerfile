# The tracker's one image: the API, the projector and the scheduler are the same program
# (`tracker serve`, `tracker project`, `tracker schedule`); docker-compose.yml starts each.
#
#   docker build -t safeguarding-review-tracker .
#   docker run --rm safeguarding-review-tracker --help          # = tracker --help
#   docker run --rm safeguarding-review-tracker tracker keygen  # "tracker" may be repeated
# The browser files (GOV.UK Frontend, Swagger UI, GraphiQL) from the npm registry, at the
# committed lock file's versions, copied by the same script the set-up runs (scripts/assets).
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY web/assets/package.json web/assets/package-lock.json ./web/assets/
COPY scripts/assets ./scripts/assets
RUN bash scripts/assets

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# the fonts the PDF documents are set in (documents/pdf.py), from Debian, never fetched at run time
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-dejavu-extra \
    && rm -rf /var/lib/apt/lists/*

# the dependencies first, as pinned with their hashes in requirements.lock (scripts/lock):
# this layer is rebuilt only when the lock changes, not on every change to the code
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin tracker \
    && mkdir -p /app/var \
    && chown tracker:tracker /app/var

# then the code (tests, benchmarks and local state stay out: .dockerignore), installed
# without resolving anything more
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY application ./application
COPY projections ./projections
COPY documents ./documents
COPY api ./api
COPY scheduler ./scheduler
COPY entrypoints ./entrypoints
COPY web ./web
COPY --from=assets /build/web/static/vendor ./web/static/vendor
RUN pip install --no-deps . && pip check

# the partnerships (a deployment mounts its own copy over this file; see docker-compose.yml)
COPY config ./config
ENV TRACKER_PARTNERSHIPS_FILE=/app/config/partnerships.toml

USER tracker
EXPOSE 8000

# the API's liveness (the slim image has no curl: python's urllib asks); compose gives the
# projector and the scheduler their own checks, on their metrics ports
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]

# `tracker` is the entrypoint: `docker run IMAGE serve` runs `tracker serve`. A first
# argument that is itself a program on PATH (`tracker`, `python`, `sh`) runs as given, so
# `docker compose run --rm api tracker keys list` works too.
ENTRYPOINT ["/bin/sh", "-c", "if [ $# -gt 0 ] && command -v \"$1\" >/dev/null 2>&1; then exec \"$@\"; fi; exec tracker \"$@\"", "tracker"]
CMD ["serve", "--host", "0.0.0.0"]
