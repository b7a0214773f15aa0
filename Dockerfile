# Kith's image: `make image` (or `docker build -t kith .`). The base image is a build
# argument: any Debian-like image with Python >= 3.11 and its venv module, such as
# python:3.11-slim-bookworm or one made with debootstrap (docs/operations.md).
ARG BASE=python:3.11-slim-bookworm

# ---- build: install Kith and its dependencies (all binary wheels) into a venv, from
# PyPI, or with no network from a wheels/ folder in the build context (make image).
FROM ${BASE} AS build
COPY . /src
RUN python3 -m venv /opt/kith \
 && if [ -d /src/wheels ]; then \
      /opt/kith/bin/pip install --no-cache-dir --no-index --find-links /src/wheels kith; \
    else /opt/kith/bin/pip install --no-cache-dir /src; fi \
 && /opt/kith/bin/python -m compileall -q /opt/kith/lib

# ---- run: the venv, pg_dump for `kith backup`, a user that owns nothing else
FROM ${BASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --no-log-init --home-dir /var/lib/kith --create-home \
      --shell /usr/sbin/nologin kith
COPY --from=build /opt/kith /opt/kith
ENV PATH=/opt/kith/bin:$PATH \
    KITH_ENV=production \
    KITH_DATA_DIR=/var/lib/kith \
    KITH_DATABASE_URL=sqlite:////var/lib/kith/kith.db \
    PYTHONUNBUFFERED=1
USER kith
WORKDIR /var/lib/kith
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["kith", "serve", "--host", "0.0.0.0", "--port", "8000"]
