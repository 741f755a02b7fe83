#!/usr/bin/env bash
# CI check of deploy/ on a machine without a container engine (run by scripts/test.sh):
#  1. the Dockerfile's build stage on the host: its `swift build` RUN, installed into a staging /out;
#  2. every manifest parses and agrees with the config (ports, probes, grace periods, users, volumes);
#  3. the run stage laid out as a read-only root with its volume, config and secret, the ENTRYPOINT
#     started as PID 1 of its own namespaces (mount, network, PID) as the image user, then probed.
# Needs root for step 3 (namespaces, bind mounts, chroot). Python: PAYGATE_PYTHON (with PyYAML).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PAYGATE_PYTHON:-${XDG_CACHE_HOME:-$HOME/.cache}/paygate-test-venv/bin/python}"
"$python" -c "import yaml" 2>/dev/null || { echo "deploy check: $python has no PyYAML (run scripts/test.sh to create the venv)" >&2; exit 1; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

stage="$(mktemp -d "${TMPDIR:-/tmp}/paygate-deploy.XXXXXX")"
# The run step's mounts live in its own namespace and vanish with it; nothing is mounted here.
trap '$SUDO rm -rf "$stage"' EXIT
started=$SECONDS
"$python" deploy/checks/image_run.py build "$stage"
"$python" deploy/checks/manifests.py "$stage/out/usr/local/bin/paygate"
$SUDO timeout 120 unshare --mount --net --propagation private "$python" deploy/checks/image_run.py run "$stage"
echo "deploy check: OK ($((SECONDS - started)) s)"
