#!/usr/bin/env bash
# Run every benchmark in bench/; each prints one JSON object as its last line.
# Results are appended to var/bench-results.jsonl; the exit status is non-zero if any
# benchmark misses its target.
set -uo pipefail
mkdir -p var
export DATABASE_URL=${BENCH_DATABASE_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}}
status=0
for script in bench/*.py; do
  echo "== $script"
  out=$(.venv/bin/python "$script" 2>&1 | tee /dev/stderr | tail -n 1)
  rc=${PIPESTATUS[0]}
  echo "$out" >>var/bench-results.jsonl
  [ "$rc" -eq 0 ] || status=1
done
exit $status
