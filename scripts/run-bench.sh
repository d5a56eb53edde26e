#!/usr/bin/env bash
# Runs every benchmark in tests/bench/, each printing one JSON object.
set -uo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1
rc=0
for b in tests/bench/bench_*.py; do
  echo "### $b" >&2
  .venv/bin/python "$b" "$@" || rc=1
done
exit $rc
