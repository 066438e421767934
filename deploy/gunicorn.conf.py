"""gunicorn settings for Simpul's web containers (stateless; scale by adding replicas)."""

import gc
import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Sync workers: each takes the next connection when it is free, so load spreads evenly. gthread
# (GUNICORN_WORKER_CLASS=gthread) keeps connections alive, which helps a single client (about
# 1.4x on the cached page over one connection in benchmarks/read_path.py) but pins each kept
# connection to one worker: at 16 connections p99 latency was 10x that of sync workers, busy
# workers queueing while others idled. Pages are CPU-bound: add workers, not threads (under the
# GIL, threads of one process take turns). Each thread keeps its own database connection
# (CONN_MAX_AGE): workers × threads connections per container.
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync" if threads == 1 else "gthread")
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then (a slow leak cannot grow for ever); the wide jitter keeps them
# from all restarting at the same moment under load.
max_requests = 10000
max_requests_jitter = 5000
# The app is imported once in the master and the workers fork from it, sharing its memory
# (Django, Wagtail, DRF, templates) copy-on-write. benchmarks/memory.py, PSS at rest after
# warm-up: 4 sync workers 480 MiB loaded each, 260 MiB preloaded (0.54×); 2 gthread workers ×
# 4 threads preloaded 192 MiB (0.40×), for a host short of memory (see threads above). A worker
# recycled by max_requests forks from the same loaded master. Code changes need a restart of
# the master (SIGHUP re-forks workers but does not re-import the app). GUNICORN_PRELOAD=0
# loads the app in every worker as before.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")


def when_ready(server):
    """With the app preloaded, finish loading what every worker would otherwise load for itself
    on its first requests (both URL confs with every view module, the translation catalogues,
    the project's compiled templates), so it is in the shared pages too."""
    if not server.cfg.preload_app:
        return
    from pathlib import Path

    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver
    from django.utils import translation

    for code, _ in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Simpul")

    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
        get_resolver(urlconf).reverse_dict  # noqa: B018 - populates the resolver
    engine = engines["django"]
    base = Path(settings.BASE_DIR)
    for folder in base.glob("*/**/templates"):
        if ".venv" in folder.parts or "node_modules" in folder.parts:
            continue
        for path in folder.rglob("*.html"):
            try:
                engine.get_template(str(path.relative_to(folder)))
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue


def pre_fork(server, worker):
    """In the master, before each fork: nothing it opened may be shared with a worker.

    A database connection opened while loading the app (a query at import time) would be one
    socket shared by every worker; closed here, each worker opens its own. Redis clients (redis-py pools) reset themselves in a child by process id. Then
    move everything loaded so far out of the garbage collector's sight (gc.freeze): its
    passes would otherwise write to every shared object and copy the master's pages into
    each worker.
    """
    if not server.cfg.preload_app:
        return
    from django.db import connections

    connections.close_all()
    gc.freeze()
