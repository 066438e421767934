"""gunicorn settings for Simpul's web containers (stateless; scale by adding replicas)."""

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
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
