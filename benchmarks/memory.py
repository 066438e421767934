"""Memory of the web tier at rest: gunicorn as configured before and after preloading the app.

Usage: python benchmarks/memory.py [--requests 400]

Each configuration of deploy/gunicorn.conf.py runs in turn in the same run, on the same
benchmark database (DEBUG off): started, warmed with anonymous and uncached requests spread
over several instansi and the portal (every worker serves some), left idle two seconds, then
measured. PSS (proportional set size: a page shared by n processes counts 1/n in each) from
/proc/<pid>/smaps_rollup, summed over the master and its workers, is what the tier really
costs the machine; RSS counts shared pages once per process. Then wrk on an instansi's home
page, cached (anonymous: the page cache answers) and uncached (a session cookie: the full
render), at 16 and 64 connections, gives each configuration's p50, p99 and req/s: memory is
only half the choice. With --rounds N every configuration runs N times, interleaved, and each
figure is the median. Target: ≤ half of the four non-preloaded workers.
Prints the table rows (the results table is kept by hand).
"""

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ensure_tenants, migrate, setup_django  # noqa: E402
from benchmarks.webstack import BENCH_SECRET_KEY, Stack, free_port, get, wait_http, wrk  # noqa: E402

PREFIX = "bm"
CONFIGS = [
    # label, workers, env
    ("4 sync workers, app loaded in each (before)", 4, {"GUNICORN_PRELOAD": "0"}),
    ("4 sync workers, preloaded + gc.freeze (after)", 4, {"GUNICORN_PRELOAD": "1"}),
    (
        "2 gthread workers × 4 threads, preloaded",
        2,
        {"GUNICORN_PRELOAD": "1", "GUNICORN_THREADS": "4"},
    ),
]


def _kib(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            values[key] = int(rest.split()[0])
    return values


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return sorted(found)


def _warm(url: str, hosts: list[str], count: int) -> None:
    paths = ["/", "/healthz", "/?n={n}"]

    def one(n: int) -> int:
        host = hosts[n % len(hosts)]
        path = paths[n % len(paths)].format(n=n)
        # Half with a session cookie: past the page cache, the full render path.
        headers = {"Cookie": "sessionid=bench"} if n % 2 else {}
        return get(f"{url}{path}", host, headers)[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(one, range(count)))
    bad = [s for s in statuses if s != 200]
    assert not bad, f"{len(bad)} of {count} warm-up requests failed: {bad[:5]}"


LOADS = [
    # label, headers, connections
    ("cached", {}, 16),
    ("cached", {}, 64),
    ("uncached", {"Cookie": "sessionid=bench"}, 16),
    ("uncached", {"Cookie": "sessionid=bench"}, 64),
]


def _measure(label: str, workers: int, env: dict, hosts: list[str], requests: int, seconds: int):
    """One configuration: PSS at rest after warm-up, then the wrk loads; a dict of figures."""
    from benchmarks.common import bench_database_url

    with Stack(bench_database_url(), workers=workers) as stack:
        port = free_port()
        proc = stack.start_gunicorn(port, **env)
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/healthz", hosts[1], 90)
        deadline = time.monotonic() + 30
        while len(_children(proc.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        _warm(url, hosts, requests)
        time.sleep(2)
        pids = [proc.pid, *_children(proc.pid)]
        per = {pid: _kib(pid) for pid in pids}
        figures = {
            "workers": len(pids) - 1,
            "pss": sum(v["Pss"] for v in per.values()) / 1024,
            "rss": sum(v["Rss"] for v in per.values()) / 1024,
            "worker_pss": [per[pid]["Pss"] / 1024 for pid in pids[1:]],
            "master": per[proc.pid]["Pss"] / 1024,
        }
        print(
            f"{label}: PSS {figures['pss']:.0f} MiB in all (RSS {figures['rss']:.0f}), workers "
            f"{', '.join(f'{w:.0f}' for w in figures['worker_pss'])} MiB, master "
            f"{figures['master']:.0f} MiB",
            flush=True,
        )
        for kind, headers, connections in LOADS:
            result = wrk(
                f"{label[:30]} {kind}",
                f"{url}/",
                hosts[1],
                connections,
                seconds=seconds,
                headers=headers,
                expect="Instansi Memori 000",
            )
            figures[(kind, connections)] = result
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seconds", type=int, default=8, help="each wrk run")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", default="", help="configurations to run, e.g. 1,2 (all)")
    args = parser.parse_args()
    chosen = {int(n) for n in args.only.split(",") if n}
    setup_django(SECRET_KEY=BENCH_SECRET_KEY)
    migrate()
    from django.conf import settings

    ensure_tenants(PREFIX, 4, label="Instansi Memori")
    base = settings.SIMPUL_BASE_DOMAIN
    hosts = [base] + [f"{PREFIX}{i:03d}.{base}" for i in range(4)]
    runs: dict[int, list[dict]] = {}
    for _ in range(args.rounds):
        for number, (label, workers, env) in enumerate(CONFIGS, 1):
            if not chosen or number in chosen:
                runs.setdefault(number, []).append(
                    _measure(label, workers, env, hosts, args.requests, args.seconds)
                )

    def med(number: int, key) -> float:
        return statistics.median(key(run) for run in runs[number])

    baseline = med(min(runs), lambda r: r["pss"])
    print()
    print(
        "| configuration | workers | PSS MiB (all) | RSS MiB (all) | PSS per worker | "
        "PSS master | vs before |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for number, figures in runs.items():
        label, workers, _ = CONFIGS[number - 1]
        per_worker = [w for run in figures for w in run["worker_pss"]]
        pss = med(number, lambda r: r["pss"])
        print(
            f"| {label} | {workers} | {pss:.0f} | {med(number, lambda r: r['rss']):.0f} | "
            f"{min(per_worker):.0f}–{max(per_worker):.0f} | "
            f"{med(number, lambda r: r['master']):.0f} | {pss / baseline:.2f}× |"
        )
    print()
    print("| configuration | page | conns | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for number in runs:
        label = CONFIGS[number - 1][0]
        for kind, _, connections in LOADS:
            key = (kind, connections)
            print(
                f"| {label} | {kind} | {connections} | "
                f"{med(number, lambda r, k=key: r[k].rps):,.0f} | "
                f"{med(number, lambda r, k=key: r[k].p50):.1f} | "
                f"{med(number, lambda r, k=key: r[k].p99):.1f} | "
                f"{sum(r[key].errors for r in runs[number])} |"
            )


if __name__ == "__main__":
    main()
