#!/usr/bin/env bash
# Resident memory with many idle keep-alive client connections (default 10,000).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }
swift build -c release --product paygate >/dev/null
exec python3 bench/idle_connections.py "$@"
