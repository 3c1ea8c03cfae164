#!/usr/bin/env bash
# Run every benchmark in bench/ (or only those named: scripts/bench.sh registration signin);
# each prints one JSON object as its last line. Helpers under bench/ (packages, bench/_*.py)
# are not run.
# Full output goes to var/bench-<name>.log, the JSON lines to var/bench-results.jsonl; the exit
# status is non-zero if any benchmark misses its target or fails.
set -uo pipefail
mkdir -p var
export DATABASE_URL=${BENCH_DATABASE_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}}
status=0
scripts=()
for script in bench/*.py; do
  case $(basename "$script") in _*) ;; *) scripts+=("$script") ;; esac
done
if [ "$#" -gt 0 ]; then
  scripts=()
  for name in "$@"; do scripts+=("bench/${name%.py}.py"); done
fi
for script in "${scripts[@]}"; do
  name=$(basename "$script" .py)
  echo "== $script"
  .venv/bin/python "$script" 2>&1 | tee "var/bench-$name.log"
  rc=${PIPESTATUS[0]}
  tail -n 1 "var/bench-$name.log" >>var/bench-results.jsonl
  if [ "$rc" -ne 0 ]; then
    echo "!! $script exited $rc (missed its target or failed)"
    status=1
  fi
done
exit $status
