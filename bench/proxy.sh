#!/usr/bin/env bash
# Reverse-proxy benchmark: paygate and nginx in front of the same nginx origin, alternating, in
# one run; medians printed side by side. Installs wrk and nginx with apt if missing.
#   bench/proxy.sh [--rounds 5] [--duration 10] [--conns 64,512]
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
swift build -c release --product paygate >/dev/null
exec python3 bench/proxy.py "$@"
