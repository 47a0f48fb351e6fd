#!/usr/bin/env bash
# Installs what NanoFlux needs on a fresh Debian/Ubuntu machine: npm packages and nats-server, plus Debian's
# chromium with --with-browser (the dashboard's end-to-end test drives it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # The lock holds every platform's LanceDB binary (scripts/lock-platforms.mjs), so npm ci installs from it as it is.
  npm ci --no-audit --no-fund
fi
need=()
command -v nats-server >/dev/null 2>&1 || need+=(nats-server)
if [ "${1:-}" = "--with-browser" ] && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
if [ ${#need[@]} -gt 0 ]; then
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  echo "installing ${need[*]} with apt-get" >&2
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi
