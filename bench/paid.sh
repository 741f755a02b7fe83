#!/usr/bin/env bash
# Paid-route benchmark: paygate and the official x402 reference server (uvicorn, 2 workers)
# behind the same instant nginx facilitator, alternating, in one run; medians side by side.
# Installs wrk and nginx with apt if missing; needs the x402 venv ($PAYGATE_PYTHON or
# ~/.cache/paygate-test-venv, made by scripts/test.sh).
#   bench/paid.sh [--rounds 3] [--duration 5] [--conns 32,128] [--facilitator http|embedded]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/objects.sh
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
[ -f /usr/include/secp256k1_recovery.h ] || need+=(libsecp256k1-dev)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
swift build -c release --product paygate >/dev/null
# The bulk payment signer links the release build's JSON, Money, Crypto and X402 objects (and
# libsecp256k1 for its ECDSA step: see bench/paid/sign.swift).
release=.build/release
signer=$release/paid-sign
if [ ! -x "$signer" ] || [ -n "$(find bench/paid $0 $release/X402.build $release/Crypto.build -newer "$signer" -print -quit)" ]; then
  "${SWIFTC:-/opt/swift/usr/bin/swiftc}" -O -I "$release/Modules" -I Sources/COpenSSL -I bench/paid/CSecp256k1 bench/paid/sign.swift \
    $(module_objects JSON Money Crypto X402) \
    -lssl -lcrypto -o "$signer"
fi
exec python3 bench/paid.py --signer "$signer" "$@"
