#!/usr/bin/env bash
# `make image`: build Kith's container image from Debian's packages and PyPI alone (no
# container registry): a base image made with debootstrap and `docker import`, then
# the Dockerfile on it, then a smoke run (/healthz and /readyz on SQLite).
# Needs root, Debian's docker.io and debootstrap (installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE="${SUITE:-bookworm}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
BASE="kith-base:${SUITE}"
WORK="${KITH_IMAGE_WORK:-/tmp/kith-image}"
mkdir -p "$WORK"
started_daemon=""
smoke=""
cleanup() {
  if [ -n "$smoke" ]; then docker rm -f "$smoke" >/dev/null 2>&1 || true; fi
  if [ -n "$started_daemon" ]; then kill "$started_daemon" 2>/dev/null || true; fi
}
trap cleanup EXIT

for tool in docker:docker.io dockerd:docker.io debootstrap:debootstrap; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool##*:}" >/dev/null
  }
done

# A daemon: the machine's own, or one started here on a private socket (no bridge,
# no iptables: builds and runs use the host's network).
if ! docker info >/dev/null 2>&1; then
  export DOCKER_HOST="unix://$WORK/docker.sock"
  if ! docker info >/dev/null 2>&1; then
    echo "starting dockerd on $DOCKER_HOST"
    dockerd --host "$DOCKER_HOST" --data-root "$WORK/data" --exec-root "$WORK/exec" \
      --pidfile "$WORK/dockerd.pid" --iptables=false --ip-masq=false --bridge=none \
      >"$WORK/dockerd.log" 2>&1 &
    started_daemon=$!
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { echo "dockerd did not start: see $WORK/dockerd.log"; exit 1; }
  fi
fi

# The base image: Debian minbase with Python 3.11 and its venv module.
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    "$SUITE" "$WORK/rootfs" "$MIRROR"
  rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
  tar -C "$WORK/rootfs" -c . | docker import - "$BASE"
fi

# Kith and its dependencies as wheels, fetched by this machine's pip (its index and
# certificates), so that the build itself needs no network.
rm -rf "$WORK/context" && mkdir -p "$WORK/context"
cp -r Dockerfile .dockerignore pyproject.toml README.md src "$WORK/context/"
(cd "$WORK/context" && ${PIP:-python3 -m pip} wheel --quiet --wheel-dir wheels . && rm -rf build)
docker build --network host --build-arg BASE="$BASE" -t kith:latest "$WORK/context"

# Smoke run: the image serves, is not root, and has no compiler.
test "$(docker run --rm --network none kith:latest id -u)" != 0
! docker run --rm --network none kith:latest sh -c 'command -v gcc cc' >/dev/null
smoke="kith-smoke-$$"
docker run -d --name "$smoke" --network host \
  -e KITH_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" \
  kith:latest sh -c 'kith db upgrade && kith serve --host 127.0.0.1 --port 18080' >/dev/null
for _ in $(seq 1 120); do
  curl -fs http://127.0.0.1:18080/readyz >/dev/null 2>&1 && break
  sleep 1
done
curl -fs http://127.0.0.1:18080/healthz && echo
curl -fs http://127.0.0.1:18080/readyz && echo
docker image ls kith:latest
echo "kith:latest built on $BASE and answered /readyz"
