#!/usr/bin/env bash
# The demo's web server: gunicorn with the production settings file (deploy/gunicorn.conf.py),
# static files through WhiteNoise from var/static (`make demo` runs collectstatic first).
# Sync workers hold one database connection each (CONN_MAX_AGE), so however many clients
# arrive the demo keeps at most WEB_CONCURRENCY connections; Django's development server
# opened one per client thread and kept it (64 API clients left 62 idle connections).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH="platform:.${PYTHONPATH:+:$PYTHONPATH}"
# Two demos or a demo and the tests share one PostgreSQL: a few workers are plenty for a demo.
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-3}"
export GUNICORN_ACCESSLOG="${GUNICORN_ACCESSLOG:-var/run/access.log}"
mkdir -p var/run
# No control socket: gunicorn's default is one per user ($HOME/.gunicorn/gunicorn.ctl), which a
# second demo or a test server would take over.
exec .venv/bin/gunicorn --config deploy/gunicorn.conf.py --no-control-socket simpul.wsgi:application
