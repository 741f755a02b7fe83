#!/usr/bin/env bash
# Rate-limit benchmark: the cost of one bucket check as the proxy and the paywall pay it.
#
#   bench/ratelimit/run.sh       (from anywhere; needs /opt/swift)
#
# The RateLimit sources are built as one optimised module (-O -wmo, what `swift build -c
# release` does per module), then the bench program against it, so every call crosses a module
# boundary exactly as it does in paygate.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
swiftc=${SWIFTC:-/opt/swift/usr/bin/swiftc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$swiftc" -O -wmo -parse-as-library -module-name RateLimit \
    -emit-module -emit-module-path "$work/RateLimit.swiftmodule" -emit-library -static -o "$work/libRateLimit.a" \
    "$root"/Sources/RateLimit/*.swift
"$swiftc" -O -I "$work" "$root/bench/ratelimit/main.swift" -L "$work" -lRateLimit -o "$work/ratelimit-bench"

echo "Rate-limit benchmark on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
"$work/ratelimit-bench"
