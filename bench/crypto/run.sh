#!/usr/bin/env bash
# Crypto benchmark: our Keccak-256 and secp256k1 next to the official x402 Python SDK's
# recovery, in one run on this machine, then paid requests per second through paygate's
# embedded facilitator (native EIP-3009 verification on the development network).
#
#   bench/crypto/run.sh          (from anywhere; needs /opt/swift and the x402 interop venv)
#   PAID_ROUNDS=3 PAID_DURATION=5 PAID_CONNS=32 bench/crypto/run.sh   (the paid part; PAID_ROUNDS=0 skips it)
#
# The Swift side is built in a temporary directory with swiftc: the Crypto sources as one
# optimised module (-O -wmo, what `swift build -c release` does per module), then the bench
# program against it, so every call crosses a module boundary exactly as it does in paygate.
# Python is $PAYGATE_PYTHON or ~/.cache/x402-interop-venv/bin/python.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
swiftc=${SWIFTC:-/opt/swift/usr/bin/swiftc}
python=${PAYGATE_PYTHON:-$HOME/.cache/x402-interop-venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$swiftc" -O -wmo -parse-as-library -module-name Crypto -I "$root/Sources/COpenSSL" \
    -emit-module -emit-module-path "$work/Crypto.swiftmodule" -emit-library -static -o "$work/libCrypto.a" \
    "$root"/Sources/Crypto/*.swift
# libsecp256k1 only for a comparison row (the same recovery in the C library); not used by paygate.
[ -f /usr/include/secp256k1_recovery.h ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsecp256k1-dev >/dev/null; }
"$swiftc" -O -I "$work" -I "$root/Sources/COpenSSL" -I "$root/bench/paid/CSecp256k1" "$root/bench/crypto/main.swift" \
    -L "$work" -lCrypto -lssl -lcrypto -lsecp256k1 -lm -o "$work/crypto-bench"

"$work/crypto-bench" > "$work/swift.txt"
"$python" "$root/bench/crypto/python_recover.py" > "$work/python.txt"
# Paid requests through the embedded facilitator: bench/paid.sh's harness (every request its
# own signed payment) with `type: embedded` instead of the HTTP facilitator.
paid_rounds=${PAID_ROUNDS:-3} paid_conns=${PAID_CONNS:-32}
if [ "$paid_rounds" -gt 0 ]; then
  PAYGATE_PYTHON=$python "$root/bench/paid.sh" --facilitator embedded --rounds "$paid_rounds" \
      --duration "${PAID_DURATION:-5}" --conns "$paid_conns" --probe-duration 0 > "$work/paid.txt"
fi

value() { awk -v name="$1" '$1 == name { $1 = ""; sub(/^ /, ""); print }' "$work/$2"; }

echo "Crypto benchmark on $(nproc) cores, $(openssl version | cut -d' ' -f1-2), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-44s %-22s %s\n' "measurement" "paygate (Swift)" "x402 Python SDK (eth_account)"
printf '%-44s %-22s %s\n' "keccak256, 32 B" "$(value keccak256_32B swift.txt)" "-"
printf '%-44s %-22s %s\n' "keccak256, 200 B" "$(value keccak256_200B swift.txt)" "-"
printf '%-44s %-22s %s\n' "SHA-256, 200 B" "$(value sha256_200B swift.txt)" "-"
printf '%-44s %-22s %s\n' "HMAC-SHA256 (keyed), 200 B" "$(value hmac_sha256_200B swift.txt)" "-"
printf '%-44s %-22s %s\n' "EIP-712 TransferWithAuthorization digest" "$(value eip712_transfer_digest swift.txt)" "-"
printf '%-44s %-22s %s\n' "secp256k1 recover, 1 core (_recover_hash)" "$(value secp256k1_recover_per_core swift.txt)" \
    "$(value python_recover_hash python.txt)"
printf '%-44s %-22s %s\n' "secp256k1 recover, 1 core (recover_message)" "-" "$(value python_recover_message python.txt)"
printf '%-44s %-22s %s\n' "secp256k1 recover, 2 threads" "$(value secp256k1_recover_2_threads swift.txt)" "-"
printf '%-44s %-22s %s\n' "secp256k1 sign, 1 core" "$(value secp256k1_sign_per_core swift.txt)" "-"
printf '%-44s %-22s %s\n' "for scale: libsecp256k1 recover, 1 core" "$(value libsecp256k1_recover_per_core swift.txt)" "-"
printf '%-44s %-22s %s\n' "eth_keys backend" "-" "$(value python_eth_keys_backend python.txt)"
if [ "$paid_rounds" -gt 0 ]; then
  # The table row "| 32 | paygate | <req/s> | <p50> | <p99> | ..." of bench/paid.py.
  paid=$(awk -F'|' -v c="$paid_conns" '$2+0 == c && $3 ~ /paygate/ { gsub(/ /, "", $4); gsub(/ /, "", $5); print $4 " req/s (p50 " $5 " ms)" }' "$work/paid.txt")
  printf '%-44s %-22s %s\n' "paid req/s, embedded facilitator, c=$paid_conns" "$paid" "-"
  echo
  echo "bench/paid.sh --facilitator embedded (medians of $paid_rounds rounds):"
  sed -n '/^| conns/,/^$/p' "$work/paid.txt"
  grep -A1 "ledger after all runs" "$work/paid.txt" || true
fi
