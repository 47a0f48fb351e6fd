#!/usr/bin/env bash
# Installs what NanoFlux needs on a fresh Debian/Ubuntu machine: npm packages and nats-server.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if ! command -v nats-server >/dev/null 2>&1; then
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  echo "nats-server not found: installing it with apt-get" >&2
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq nats-server >/dev/null
fi
