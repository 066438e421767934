#!/usr/bin/env bash
# The demo's web server: gunicorn with the production settings file (deploy/gunicorn.conf.py),
# static files through WhiteNoise from var/static (`make demo` runs collectstatic first).
# Each worker thread holds one database connection (CONN_MAX_AGE), so however many clients
# arrive the demo keeps at most WEB_CONCURRENCY × GUNICORN_THREADS connections; Django's
# development server opened one per client thread and kept it (64 API clients left 62 idle).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH="platform:.${PYTHONPATH:+:$PYTHONPATH}"
# Two demos or a demo and the tests share one PostgreSQL: the production default (two threaded
# workers × four threads, benchmarks/RESULTS.md) is plenty for a demo.
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"
export GUNICORN_THREADS="${GUNICORN_THREADS:-4}"
export GUNICORN_ACCESSLOG="${GUNICORN_ACCESSLOG:-var/run/access.log}"
mkdir -p var/run
# No control socket: gunicorn's default is one per user ($HOME/.gunicorn/gunicorn.ctl), which a
# second demo or a test server would take over.
exec .venv/bin/gunicorn --config deploy/gunicorn.conf.py --no-control-socket simpul.wsgi:application
