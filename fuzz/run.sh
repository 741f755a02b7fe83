#!/usr/bin/env bash
# Builds the HTTP1 libFuzzer harness (fuzz/HTTP1Fuzz.swift compiled with Sources/HTTP1/*.swift as
# one module, AddressSanitizer on) and runs it for a bounded time.
#   fuzz/run.sh [seconds=60] [extra libFuzzer flags...]
# Work files (binary, growing corpus, crash inputs) go to $FUZZ_WORK (default /tmp/paygate-http1-fuzz);
# the seed corpus in fuzz/corpus is copied there first. Exit status is non-zero if a crash was found.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
seconds="${1:-60}"
shift || true
work="${FUZZ_WORK:-/tmp/paygate-http1-fuzz}"
swiftc="${SWIFTC:-/opt/swift/usr/bin/swiftc}"

mkdir -p "$work/corpus" "$work/crashes"
cp "$here"/corpus/* "$work/corpus/"
"$swiftc" -sanitize=fuzzer,address -parse-as-library -O -module-name HTTP1Fuzz \
    "$root"/Sources/HTTP1/*.swift "$here/HTTP1Fuzz.swift" -o "$work/http1-fuzz"
cd "$work"
exec ./http1-fuzz -max_total_time="$seconds" -max_len=2048 -dict="$here/http1.dict" \
    -artifact_prefix="$work/crashes/" -print_final_stats=1 "$@" "$work/corpus"
