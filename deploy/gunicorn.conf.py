"""gunicorn settings for Simpul's web containers (stateless; scale by adding replicas)."""

import gc
import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Threaded workers by default: two per machine (at least), four threads each, each thread with
# its own database connection (CONN_MAX_AGE), so workers × threads connections per container.
# benchmarks/memory.py measured them against four sync workers, both preloaded, in one run
# (figures in benchmarks/RESULTS.md): PSS at rest 0.39× against 0.54× of four sync workers
# loading the app each, about 3× the req/s and a third of the p50 on the cached page, about the
# same p99 at 16 connections, a worse p99 on the cached page at 64 (a kept-alive connection waits
# for its own worker's threads) and a better one on the uncached page at 64. A thread waiting on
# PostgreSQL or Redis lets another run, and fewer processes hold fewer private copies.
# GUNICORN_THREADS=1 gives sync workers (WEB_CONCURRENCY of them) as before.
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, multiprocessing.cpu_count())))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
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
# warm-up: 4 sync workers 487 MiB loaded each, 263 MiB preloaded (0.54×); 2 gthread workers ×
# 4 threads preloaded 192 MiB (0.39×, the default: see workers above). A worker recycled by
# max_requests forks from the same loaded master. Code changes need a restart of
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
