#!/usr/bin/env bash
# Serve the portal with the task worker beside it; stop both on Ctrl-C.
set -euo pipefail
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
PY=.venv/bin/python
# Links that leave the browser (SMS links, QR codes, the sandbox OIDC issuer) use this origin.
export ZHENGWU_SITE_URL=${ZHENGWU_SITE_URL:-http://$HOST:$PORT}

# The worker runs the task rows and relays the SMS outbox (decision 0034).
$PY manage.py db_worker --interval 0.5 >var/worker.log 2>&1 &
WORKER=$!
# Every minute: the outbox safety net (due retries, stale claims, lost enqueues), agent
# signatures past their 48 hours (REG-10) and expired federated sign-in flows (ACC-6).
(while sleep 60; do
  for job in sms_retry agent_signatures_expire federation_purge; do
    $PY manage.py $job >>var/worker.log 2>&1 || true
  done
done) &
RETRY=$!
trap 'kill $WORKER $RETRY 2>/dev/null || true' EXIT INT TERM

echo
echo "  Zhengwu 政务服务网 is starting on http://$HOST:$PORT/"
echo "  Sandbox pages: http://$HOST:$PORT/sandbox/sms/  http://$HOST:$PORT/sandbox/identity/"
echo "                 http://$HOST:$PORT/sandbox/federation/licence-app/  http://$HOST:$PORT/sandbox/federation/usb-key/"
echo "  Task worker log: var/worker.log"
echo
# Electronic licences (LIC-3): development signing key and CA under var/private/licences,
# then one demo licence per entity of the demo register (after demo_data).
$PY manage.py licences_keys --if-missing
$PY manage.py demo_licences --if-empty || true
$PY manage.py demo_personas || true
echo
$PY manage.py runserver --noreload "$HOST:$PORT"
