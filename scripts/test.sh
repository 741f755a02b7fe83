#!/usr/bin/env bash
# Builds paygate and runs every test: unit, integration (real sockets, SQLite files, OpenSSL,
# origin processes), interop with the official x402 Python SDK, and deploy/check.sh (the
# container image steps performed on this host). Installs what is missing:
# Debian packages (apt-get) and a Python virtualenv with pinned PyPI packages.
#   scripts/test.sh            # everything (what CI runs)
#   scripts/test.sh --filter X # swift test filter, for local work (skips the deploy check)
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/packages.sh
# chromium, chromium-driver: the dashboard test. iproute2, systemd, ca-certificates: deploy/check.sh
# (network namespace, systemd-analyze, the image's CA store).
ensure_packages libssl-dev libsqlite3-dev python3 python3-venv openssl curl gcc nginx-light chromium chromium-driver \
  iproute2 systemd ca-certificates

# The official x402 SDK and its local chain, for the interop tests (pinned in the fixtures).
venv="${PAYGATE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/paygate-test-venv}"
requirements="Tests/Fixtures/x402/requirements.txt"
stamp="$venv/.requirements.sha256"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "== creating the Python test environment in $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q -r "$requirements"
  echo "$wanted" > "$stamp"
fi
export PAYGATE_PYTHON="$venv/bin/python"

echo "== building"
swift build --build-tests
if [ $# -eq 0 ]; then
  echo "== deploy check (release build, manifests, the image's run stage on this host)"
  deploy/check.sh
fi
echo "== testing"
swift test --skip-build "$@"
