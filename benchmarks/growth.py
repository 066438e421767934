"""Growth: how each figure changes from 10 to 200 (and 1,000) instansi, and which one bends first.

At each size N (real instansi `bc000…`, provisioned by cloning and kept, shared with
provisioning.py --keep) it measures:
- provisioning: seconds for each of 3 more instansi while N exist (then dropped);
- migrate check: `migrate_schemas --executor=multiprocessing` with nothing to apply, ms/schema;
- page throughput: wrk on the home page through gunicorn, every request to the next of the N
  hosts in turn (so the host cache, the page cache and the per-schema catalogue all hold N),
  Django-cached and uncached (session cookie); every host first checked to serve its name;
- inbox throughput: the API flow of inbox.py with the clients spread over all N instansi;
- console: refresh the N real snapshots (`snapshot_refresh`), then render the console over them.
Plus the size of PostgreSQL's catalogue (pg_class rows), which every schema adds to, the
memory of each gunicorn worker after the page runs (RSS and PSS: it holds a host cache, a
tenant memo and a connection that has loaded every schema's relations), and `pg_dump` of one
instansi's schema (seconds and bytes: backups of one instansi must not grow with the others).
Every figure is given at each size with its ratio to the smallest size.

Usage: python benchmarks/growth.py [--counts 10,200,1000] [--seconds 5] [--connections 16]
    [--print-only]
A province-sized step (1,000) first clones the missing instansi: about an hour on a 2-core
machine at 3-4 s each. --print-only prints the tables instead of rewriting RESULTS.md.
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    Timer,
    bench_database_url,
    drop_tenants,
    ensure_tenants,
    migrate,
    setup_django,
    write_section,
)
from benchmarks.webstack import BENCH_SECRET_KEY, Stack, get, wait_http, wrk  # noqa: E402

PREFIX = "bc"


def provisioning_at(extra: int) -> float:
    """Mean seconds to provision `extra` more instansi by cloning (dropped afterwards)."""
    from tenants.services import instansi_provision

    drop_tenants("bg")
    seconds = []
    for index in range(extra):
        with Timer() as timer:
            instansi_provision(
                slug=f"bg{index:03d}", name=f"Instansi Tambahan {index}", admin_password="x" * 12
            )
        seconds.append(timer.seconds)
    drop_tenants("bg")
    return sum(seconds) / len(seconds)


def migrate_check() -> tuple[float, int]:
    from django.core.management import call_command

    from tenants.models import Instansi

    schemas = Instansi.objects.count()
    with Timer() as timer:
        call_command("migrate_schemas", interactive=False, verbosity=0, executor="multiprocessing")
    return timer.seconds, schemas


def catalogue() -> tuple[int, float]:
    """(pg_class rows, database size in MiB)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), pg_database_size(current_database()) FROM pg_class")
        rows, size = cursor.fetchone()
    return rows, size / 1024 / 1024


def dump_one(slug: str) -> tuple[float, int]:
    """(seconds, bytes) of `pg_dump` of one instansi's schema, as a per-instansi backup takes."""
    with Timer() as timer:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            ["pg_dump", "--schema", slug, "--no-owner", bench_database_url()],
            capture_output=True,
            check=True,
            timeout=600,
        )
    return timer.seconds, len(done.stdout)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def worker_memory(master_pid: int) -> list[tuple[float, float]]:
    """(RSS, PSS) in MiB of each gunicorn worker of `master_pid`."""
    sizes = []
    for pid in _children(master_pid):
        values = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                values[key] = int(rest.split()[0]) / 1024
        sizes.append((values["Rss"], values["Pss"]))
    return sizes


def page_throughput(instansi: list, *, seconds: int, connections: int, workers: int) -> dict:
    from django.conf import settings

    hosts = [f"{i.schema_name}.{settings.SIMPUL_BASE_DOMAIN}" for i in instansi]
    with Stack(bench_database_url(), workers=workers) as stack:
        master = stack.start_gunicorn(stack.app_port)
        app = f"http://127.0.0.1:{stack.app_port}"
        wait_http(f"{app}/livez", hosts[0])
        for inst, host in zip(instansi, hosts, strict=True):
            status, body, _ = get(f"{app}/", host)
            assert status == 200 and inst.name.encode() in body, f"{host}: HTTP {status}"
        base = wrk(
            "  /livez over every host",
            f"{app}/livez",
            hosts[0],
            connections,
            seconds,
            hosts=hosts,
            expect="ok",
        )
        cached = wrk(
            "  home, Django cache",
            f"{app}/",
            hosts[0],
            connections,
            seconds,
            hosts=hosts,
            expect="Instansi Massal",  # every bc… home page shows its name
        )
        uncached = wrk(
            "  home, uncached",
            f"{app}/",
            hosts[0],
            connections,
            seconds,
            headers={"Cookie": "sessionid=benchmark-no-such-session"},
            hosts=hosts,
            expect="Instansi Massal",
        )
        memory = worker_memory(master.pid)
    for result in (base, cached, uncached):
        assert result.errors == 0, f"{result.label}: {result.errors} errors"
    print(
        "  workers after the runs: "
        + ", ".join(f"RSS {rss:.0f} / PSS {pss:.0f} MiB" for rss, pss in memory),
        flush=True,
    )
    return {
        "livez": base,
        "cached": cached,
        "uncached": uncached,
        "worker_rss": max(rss for rss, _ in memory),
        "worker_pss": max(pss for _, pss in memory),
    }


def measure(count: int, args) -> dict:
    from benchmarks import console, inbox

    print(f"== {count} instansi", flush=True)
    drop_tenants(PREFIX, keep=count)  # exactly `count` bulk instansi in the database
    instansi = ensure_tenants(PREFIX, count)
    figures: dict = {"count": count}
    figures["provision_s"] = provisioning_at(args.extra)
    print(f"  provisioning with {count} existing: {figures['provision_s']:.2f} s each", flush=True)
    figures["migrate_s"], figures["schemas"] = migrate_check()
    print(
        f"  migrate check over {figures['schemas']} schemas: {figures['migrate_s']:.1f} s",
        flush=True,
    )
    figures["pg_class"], figures["db_mib"] = catalogue()
    print(
        f"  catalogue: {figures['pg_class']:,} relations, database {figures['db_mib']:.0f} MiB",
        flush=True,
    )
    figures["dump_s"], figures["dump_bytes"] = dump_one(instansi[0].schema_name)
    print(
        f"  pg_dump of one instansi: {figures['dump_s']:.2f} s, "
        f"{figures['dump_bytes'] / 1024 / 1024:.1f} MiB",
        flush=True,
    )
    figures["pages"] = page_throughput(
        instansi, seconds=args.seconds, connections=args.connections, workers=args.workers
    )
    phases = inbox.flow_benchmark(
        instansi, clients=args.clients, seconds=args.seconds, workers=args.workers
    )
    flow = phases["flow"]
    figures["flows_s"] = flow.flows / flow.seconds
    figures["flow_p95"] = flow.summary()[2]
    figures["inbox_livez"] = phases["livez"].summary()[0]
    print(
        f"  inbox: {figures['flows_s']:.1f} flows/s, request p95 {figures['flow_p95']:.0f} ms",
        flush=True,
    )
    figures["refresh"] = console.refresh_snapshots(instansi)
    renders = console.render_console(
        [count], requests=args.requests, seed=False, keep_prefixes=(PREFIX,)
    )
    figures["console"] = renders[0]
    return figures


def degradation(small: dict, large: dict) -> list[tuple[str, float, str, str, str]]:
    """(figure, how many times worse at the large size, small, large, unit) for each figure."""
    rows = []

    def cost(label, a, b, unit, fmt="{:.2f}"):
        rows.append((label, b / a if a else float("nan"), fmt.format(a), fmt.format(b), unit))

    def rate(label, a, b, unit, fmt="{:,.0f}"):
        rows.append((label, a / b if b else float("nan"), fmt.format(a), fmt.format(b), unit))

    cost("provisioning, per instansi", small["provision_s"], large["provision_s"], "s")
    cost(
        "migrate check, per schema",
        small["migrate_s"] / small["schemas"] * 1000,
        large["migrate_s"] / large["schemas"] * 1000,
        "ms",
        "{:.0f}",
    )
    rate(
        "/livez over every host", small["pages"]["livez"].rps, large["pages"]["livez"].rps, "req/s"
    )
    rate(
        "home page, Django cache",
        small["pages"]["cached"].rps,
        large["pages"]["cached"].rps,
        "req/s",
    )
    rate(
        "home page, uncached",
        small["pages"]["uncached"].rps,
        large["pages"]["uncached"].rps,
        "req/s",
    )
    rate("inbox flows", small["flows_s"], large["flows_s"], "flows/s", "{:.1f}")
    cost("inbox request p95", small["flow_p95"], large["flow_p95"], "ms", "{:.0f}")
    cost(
        "snapshot refresh, per instansi",
        small["refresh"]["mean_ms"],
        large["refresh"]["mean_ms"],
        "ms",
        "{:.0f}",
    )
    cost(
        "console render p50 (lists all)",
        small["console"]["p50"],
        large["console"]["p50"],
        "ms",
        "{:.0f}",
    )
    cost(
        "gunicorn worker RSS (largest)",
        small["pages"]["worker_rss"],
        large["pages"]["worker_rss"],
        "MiB",
        "{:.0f}",
    )
    cost("PostgreSQL relations (pg_class)", small["pg_class"], large["pg_class"], "", "{:,}")
    cost("pg_dump of one instansi", small["dump_s"], large["dump_s"], "s")
    return rows


WHY = {
    "console render p50 (lists all)": (
        "the console lists every instansi on one page: its 2 queries stay constant but the rows "
        "rendered, the charts and the page bytes grow linearly with N (page size below)"
    ),
    "home page, uncached": (
        "once an instansi is in a worker's tenant memo (cms.cache), its page costs no query and "
        "is rendered from shared parts; but every worker fills its memo itself, instansi by "
        "instansi (its queries, a full render, and a database connection that must load each "
        "schema's relations), and a short run cycling over 200 hosts is mostly such first "
        "visits: at 200 the figure is close to the cold path, at 10 to the warm one"
    ),
    "home page, Django cache": (
        "the cached path resolves the host and reads one Redis key; with N hosts the per-worker "
        "host cache holds N entries and each page is cached once per host (N× the keys)"
    ),
    "/livez over every host": "host resolution per request is the only per-tenant work",
    "migrate check, per schema": (
        "migrate_schemas loads the migration graph and checks django_migrations in each schema: "
        "fixed work per schema, so per-schema cost only rises with catalogue size"
    ),
    "provisioning, per instansi": (
        "cloning copies the template schema's tables; its catalogue inserts slow down as the "
        "catalogue grows"
    ),
    "inbox flows": (
        "the flow writes public tables shared by all instansi; more instansi spread locks over "
        "more rows, but each request also authenticates and switches to a schema"
    ),
    "inbox request p95": "as for inbox flows",
    "gunicorn worker RSS (largest)": (
        "each worker keeps a host cache and a tenant memo entry per instansi it served, and its "
        "database connection caches the relations of every schema it touched"
    ),
    "PostgreSQL relations (pg_class)": "every schema adds the template's tables and indexes",
    "pg_dump of one instansi": (
        "pg_dump reads the whole catalogue to pick one schema's objects: it grows with the "
        "number of schemas, not with the instansi's own data"
    ),
    "snapshot refresh, per instansi": (
        "each refresh runs the selectors inside one schema; per-instansi cost is fixed, the total "
        "grows linearly (total below)"
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="10,200")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--extra", type=int, default=3, help="instansi provisioned at each size")
    parser.add_argument(
        "--print-only", action="store_true", help="print the tables, leave RESULTS.md alone"
    )
    args = parser.parse_args()
    setup_django(SECRET_KEY=BENCH_SECRET_KEY)
    migrate()
    counts = sorted(int(c) for c in args.counts.split(","))
    # Largest first: provisioning.py --keep leaves them, and dropping is cheaper than cloning.
    results = sorted((measure(count, args) for count in reversed(counts)), key=lambda r: r["count"])
    small, large = results[0], results[-1]
    rows = degradation(small, large)
    worst = max(rows, key=lambda r: r[1])
    # Every size against the smallest: the figure at each size and its ratio.
    steps = [degradation(small, result) for result in results[1:]]
    every = "\n".join(
        f"| {label} | {a} | "
        + " | ".join(f"{step[i][3]} ({step[i][1]:.2f}×)" for step in steps)
        + f" | {unit} |"
        for i, (label, _, a, _, unit) in enumerate(rows)
    )
    every_table = (
        f"| figure | at {small['count']} | "
        + " | ".join(f"at {r['count']} (worse by)" for r in results[1:])
        + " | unit |\n|---|---:|"
        + "---:|" * len(steps)
        + "---|\n"
        + every
    )
    print(every_table, flush=True)
    print(
        f"-- bends first: {worst[0]} ({worst[1]:.2f}× worse from {small['count']} to "
        f"{large['count']} instansi)",
        flush=True,
    )
    table = "\n".join(
        f"| {label} | {a} | {b} | {unit} | {factor:.2f}× |" for label, factor, a, b, unit in rows
    )
    side = (
        f"| tenant schemas in the database | {small['schemas']} | {large['schemas']} |\n"
        f"| PostgreSQL relations (pg_class) | {small['pg_class']:,} | {large['pg_class']:,} |\n"
        f"| database size, MiB | {small['db_mib']:.0f} | {large['db_mib']:.0f} |\n"
        f"| migrate check total, s | {small['migrate_s']:.1f} | {large['migrate_s']:.1f} |\n"
        f"| snapshot refresh total, s | {small['refresh']['total']:.1f} | "
        f"{large['refresh']['total']:.1f} |\n"
        f"| console page, KiB | {small['console']['bytes'] / 1024:.0f} | "
        f"{large['console']['bytes'] / 1024:.0f} |\n"
        f"| home uncached p99, ms | {small['pages']['uncached'].p99:.1f} | "
        f"{large['pages']['uncached'].p99:.1f} |"
    )
    ordered = sorted(rows, key=lambda r: -r[1])
    body = (
        f"Real instansi `{PREFIX}…` with schemas; gunicorn {args.workers} workers (DEBUG off); wrk "
        f"{args.connections} connections cycling over every host, {args.seconds} s per run; "
        f"inbox flow with {args.clients} clients cycling over every instansi; every page and "
        "every inquiry checked as in the other sections.\n\n"
        f"| figure | at {small['count']} | at {large['count']} | unit | worse by |\n"
        "|---|---:|---:|---|---:|\n"
        f"{table}\n\n"
        f"| measured alongside | at {small['count']} | at {large['count']} |\n|---|---:|---:|\n"
        f"{side}\n\n"
        f"**Bends first: {worst[0]}** — {worst[1]:.2f}× worse from {small['count']} to "
        f"{large['count']} instansi: {WHY.get(worst[0], '')}. Next: "
        + "; ".join(f"{label} {factor:.2f}×" for label, factor, *_ in ordered[1:4])
        + ". (“worse by” is the cost ratio, or the throughput ratio inverted.)"
    )
    if len(results) > 2:
        body += f"\n\nEvery size against {small['count']}:\n\n{every_table}"
    if args.print_only:
        print(body)
        return
    write_section(
        "Growth",
        f"python benchmarks/growth.py --counts {args.counts} --seconds {args.seconds} "
        f"--connections {args.connections} --clients {args.clients}",
        body,
    )


if __name__ == "__main__":
    main()
