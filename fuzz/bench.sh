#!/usr/bin/env bash
# Measures the HTTP1 parsers in a release (-O, whole-module) build and checks that parsing does not
# allocate: the benchmark runs under an LD_PRELOAD malloc counter with N and with 2N iterations of
# every operation; both runs do the same setup and printing, so equal totals mean zero per parse.
#   fuzz/bench.sh [iterations=1000000]
# Work files go to $BENCH_WORK (default /tmp/paygate-http1-bench).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
iterations="${1:-1000000}"
work="${BENCH_WORK:-/tmp/paygate-http1-bench}"
swiftc="${SWIFTC:-/opt/swift/usr/bin/swiftc}"

mkdir -p "$work"
"$swiftc" -O -wmo -parse-as-library -module-name HTTP1Bench \
    "$root"/Sources/HTTP1/*.swift "$here/Bench.swift" -o "$work/http1-bench"
gcc -O2 -shared -fPIC "$here/malloc_count.c" -o "$work/malloc_count.so"

"$work/http1-bench" "$iterations"
count() { LD_PRELOAD="$work/malloc_count.so" "$work/http1-bench" "$1" 2>&1 >/dev/null | sed -n 's/malloc_count: //p'; }
once=$(count "$iterations")
twice=$(count $((2 * iterations)))
echo "mallocs in the whole process: $once with $iterations iterations, $twice with $((2 * iterations))"
echo "extra mallocs for $iterations more iterations of every operation: $((twice - once))"
