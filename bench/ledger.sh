#!/usr/bin/env bash
# The receipt ledger alone: paid requests per second its writer thread can record (a `settling`
# receipt, then the settled outcome with two split lines, per payment), with gateway-sized rows,
# at several payments in flight, under synchronous=full and normal; medians of rounds.
#   bench/ledger.sh [--payments 20000] [--in-flight 1,32,128] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/objects.sh
swift build -c release --product paygate >/dev/null
release=.build/release
bench=$release/ledger-bench
if [ ! -x "$bench" ] || [ -n "$(find bench/ledger "$release/Ledger.build" -newer "$bench" -print -quit)" ]; then
  "${SWIFTC:-/opt/swift/usr/bin/swiftc}" -O -I "$release/Modules" -I Sources/CSQLite -I Sources/CLinux bench/ledger/main.swift \
    $(module_objects Ledger Money Log) -lsqlite3 -o "$bench"
fi
exec python3 bench/ledger.py --bench "$bench" "$@"
