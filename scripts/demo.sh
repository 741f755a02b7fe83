#!/usr/bin/env bash
# The README's first command: installs the system libraries paygate links against if missing,
# builds it (release) and runs `paygate demo`: the example origin, the gateway on
# config.example.json, the embedded facilitator and a funded wallet on the development network
# paygate:devnet (a local SQLite file: no chain, no third party, no real money).
#   scripts/demo.sh [paygate demo options, e.g. --no-wait or --data-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/packages.sh
ensure_packages libssl-dev libsqlite3-dev
echo "== building paygate (release; the first build takes a few minutes)"
swift build -c release --product paygate
binary="$(swift build -c release --show-bin-path)/paygate"
exec "$binary" demo "$@"
