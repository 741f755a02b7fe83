#!/usr/bin/env bash
# Heap allocations per proxied request (LD_PRELOAD malloc counter). Needs gcc and nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }
swift build -c release --product paygate >/dev/null
exec python3 bench/allocations.py "$@"
