#!/usr/bin/env bash
# Instructions per paid request, by part of paygate: `paygate serve` runs under callgrind as the
# "baseline" server of bench/paid.sh (same instant facilitator, origin and signed payments),
# then bench/callgrind_parts.py divides each part's inclusive instruction count by the number
# of settled receipts. Instruction counts repeat on this shared machine where req/s does not,
# so this is the measure to compare two builds by; valgrind slows paygate ~50x, so the load is
# small (batches are smaller than at 32 connections: the ledger's per-commit share is higher).
#   bench/paid_profile.sh [--binary .build/release/paygate] [--conns 8] [--duration 20]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=.build/release/paygate conns=8 duration=20
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v valgrind >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
[ "$binary" = .build/release/paygate ] && swift build -c release --product paygate >/dev/null
work=$(mktemp -d -t paygate-profile-XXXXXX)
trap 'rm -rf "$work"' EXIT
binary=$(realpath "$binary")
# The bench starts the baseline server as `BINARY serve --config FILE`: this wrapper puts it
# under callgrind (SIGTERM from the bench ends it normally, so the profile is written).
cat > "$work/paygate" <<WRAP
#!/bin/sh
exec valgrind --tool=callgrind --callgrind-out-file=$work/callgrind.out "$binary" "\$@"
WRAP
chmod +x "$work/paygate"
bench/paid.sh --servers none --baseline "$work/paygate" --rounds 1 --conns "$conns" --duration "$duration" \
  --probe-duration 0 --initial-rps 200 | tee "$work/bench.log" | grep -E "^\| $conns |ledger after"
settled=$(sed -n "s/.*receipts by status {'settled': \([0-9]*\)}.*/\1/p" "$work/bench.log")
refused=$(awk -F'|' -v c=" $conns " '$2 == c { gsub(/ /, "", $7); print $7 }' "$work/bench.log")
if [ "$refused" != 0 ]; then
  echo "the run had $refused non-2xx answers: per-request counts would include refused requests; run again" >&2
  exit 1
fi
python3 bench/callgrind_parts.py "$work/callgrind.out" "$settled"
