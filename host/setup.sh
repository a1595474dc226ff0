#!/usr/bin/env bash
# Everything a fresh machine lacks for the demo and the tests: Debian packages (Dovecot, socat), then npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f host/servers/install-deps.sh ]; then
  bash host/servers/install-deps.sh
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
