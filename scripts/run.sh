#!/usr/bin/env bash
# Serve the portal with the task worker beside it; stop both on Ctrl-C.
set -euo pipefail
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
PY=.venv/bin/python

$PY manage.py db_worker --interval 0.5 >var/worker.log 2>&1 &
WORKER=$!
# The outbox safety net: due retries, stale claims, lost enqueues (every minute).
(while sleep 60; do $PY manage.py sms_retry >>var/worker.log 2>&1 || true; done) &
RETRY=$!
trap 'kill $WORKER $RETRY 2>/dev/null || true' EXIT INT TERM

echo
echo "  Zhengwu 政务服务网 is starting on http://$HOST:$PORT/"
echo "  Sandbox pages: http://$HOST:$PORT/sandbox/sms/  http://$HOST:$PORT/sandbox/identity/"
echo "  Task worker log: var/worker.log"
echo
# Electronic licences (LIC-3): development signing key and CA under var/private/licences,
# then one demo business licence per entity of the demo register (after demo_data).
$PY manage.py licences_keys --if-missing
$PY manage.py demo_licences --if-empty || true
$PY manage.py demo_personas || true
echo
$PY manage.py runserver --noreload "$HOST:$PORT"
