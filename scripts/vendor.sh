#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry (pinned versions).
# Only the built files the pages use are kept, with a VERSIONS file beside them.
set -euo pipefail

PICO_VERSION="2.1.1"
HTMX_VERSION="2.0.11"
SWAGGER_UI_VERSION="5.35.0"
AXE_CORE_VERSION="4.14.1"
SIGMA_VERSION="3.0.3"
GRAPHOLOGY_VERSION="0.26.0"

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/src/kith/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {  # package version -> unpacked directory
    local package="$1" version="$2" tarball
    tarball="$(cd "$work" && npm pack --silent "${package}@${version}" 2>/dev/null | tail -n 1)"
    mkdir -p "$work/${tarball%.tgz}"
    tar -xzf "$work/$tarball" -C "$work/${tarball%.tgz}"
    echo "$work/${tarball%.tgz}/package"
}

pico="$(fetch @picocss/pico "$PICO_VERSION")"
htmx="$(fetch htmx.org "$HTMX_VERSION")"
swagger="$(fetch swagger-ui-dist "$SWAGGER_UI_VERSION")"
axe="$(fetch axe-core "$AXE_CORE_VERSION")"
sigma="$(fetch sigma "$SIGMA_VERSION")"
graphology="$(fetch graphology "$GRAPHOLOGY_VERSION")"

mkdir -p "$dest"
install -m 0644 "$pico/css/pico.min.css" "$dest/pico.min.css"
install -m 0644 "$htmx/dist/htmx.min.js" "$dest/htmx.min.js"
# The API explorer at /docs, served from here rather than from a CDN.
install -m 0644 "$swagger/swagger-ui-bundle.js" "$dest/swagger-ui-bundle.js"
install -m 0644 "$swagger/swagger-ui.css" "$dest/swagger-ui.css"
# The accessibility checker the browser tests inject; no page loads it.
install -m 0644 "$axe/axe.min.js" "$dest/axe.min.js"
# The network map (My insights): a WebGL graph renderer and its graph model.
install -m 0644 "$sigma/dist/sigma.min.js" "$dest/sigma.min.js"
install -m 0644 "$graphology/dist/graphology.umd.min.js" "$dest/graphology.umd.min.js"
cat > "$dest/VERSIONS" <<VERSIONS
# Vendored by scripts/vendor.sh from the npm registry; do not edit by hand.
@picocss/pico ${PICO_VERSION} css/pico.min.css (MIT)
htmx.org ${HTMX_VERSION} dist/htmx.min.js (0BSD)
swagger-ui-dist ${SWAGGER_UI_VERSION} swagger-ui-bundle.js swagger-ui.css (Apache-2.0)
axe-core ${AXE_CORE_VERSION} axe.min.js (MPL-2.0)
sigma ${SIGMA_VERSION} dist/sigma.min.js (MIT)
graphology ${GRAPHOLOGY_VERSION} dist/graphology.umd.min.js (MIT)
VERSIONS
echo "vendored into ${dest#"$root"/}:"
ls -l "$dest"
