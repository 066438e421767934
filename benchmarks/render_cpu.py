"""CPU time of one uncached page render, in one process, against `/livez` measured in the same run.

The read path benchmark (read_path.py) measures throughput through gunicorn and nginx, which on
a shared machine moves with whatever else runs. This one counts the CPU time the process spends
per request (`time.process_time`), which other processes barely change: a visitor with a
session cookie (both page caches bypassed, the tenant memo warm, as read_path.py's "uncached"),
through Django's whole request handling (middleware, routing, rendering), production settings
(DEBUG off). Each path is measured in rounds; the fastest round is the figure, with the ratio
to `/livez` (the minimal Django view) of the same run.

Usage: python benchmarks/render_cpu.py [--rounds 9] [--requests 200]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.webstack import BENCH_SECRET_KEY  # noqa: E402

PATHS = ("/livez", "/", "/berita/", "news", "/profil/")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="simpul-render-cpu-")
    production = {
        "DEBUG": "0",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "SIMPUL_PUBLIC_SCHEME": "http",
        "SIMPUL_PUBLIC_PORT": "",
        "LOG_LEVEL": "ERROR",
        "STATIC_ROOT": static_root,
    }
    os.environ.update(production)

    from benchmarks.common import migrate, setup_django

    setup_django(**production)
    migrate()
    from django.core.management import call_command
    from django.test import Client

    from benchmarks.read_path import prepare_site

    call_command("collectstatic", interactive=False, verbosity=0)
    host, news_path, _ = prepare_site()
    client = Client(HTTP_HOST=host)
    client.cookies["sessionid"] = "benchmark-no-such-session"
    results = {}
    for path in PATHS:
        url = news_path if path == "news" else path
        for _ in range(5):  # the memo, renditions and fragments are made on the first views
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert "X-Simpul-Cache" not in response, "a session request was served from cache"
        rounds = []
        for _ in range(args.rounds):
            started = time.process_time()
            for _ in range(args.requests):
                client.get(url)
            rounds.append((time.process_time() - started) / args.requests * 1000)
        results[path] = (min(rounds), statistics.median(rounds))
    livez = results["/livez"][0]
    print(f"{'path':12} {'CPU ms (fastest round)':>24} {'median round':>14} {'× /livez':>10}")
    for path, (fastest, median) in results.items():
        print(f"{path:12} {fastest:24.3f} {median:14.3f} {fastest / livez:10.2f}")


if __name__ == "__main__":
    main()
