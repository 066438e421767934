#!/usr/bin/env bash
# Serve the demo as production runs: a Celery worker and beat in the background, gunicorn
# (deploy/local/web.sh) in the foreground. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
export PYTHONPATH="platform:.${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p var/run
$BIN/celery -A simpul worker --loglevel=warning --concurrency=2 >var/run/worker.log 2>&1 &
WORKER=$!
$BIN/celery -A simpul beat --loglevel=warning --schedule=var/run/celerybeat-schedule >var/run/beat.log 2>&1 &
BEAT=$!
trap 'kill $WORKER $BEAT 2>/dev/null || true' EXIT INT TERM
echo "Celery worker (pid $WORKER) and beat (pid $BEAT) started; logs in var/run/."
echo "Serving on http://localhost:${PORT:-8000}/ with gunicorn (Ctrl-C to stop); requests logged in var/run/access.log"
bash deploy/local/web.sh
