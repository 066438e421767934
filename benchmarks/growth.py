"""Growth: how each figure changes from 10 to 200 (and 1,000) instansi, and which one bends first.

At each size N (real instansi `bc000…`, provisioned by cloning and kept, shared with
provisioning.py --keep) it measures:
- provisioning: seconds for each of 3 more instansi while N exist (then dropped), from a spare
  schema made ahead (what the caller waits for) and by a plain clone (what making a spare costs
  the background), and the template's dump that both replay (taken once per template state);
- migrate check: `migrate_schemas --executor=multiprocessing` with nothing to apply, ms/schema
  (a subprocess stopped at --migrate-limit, 1.2× the 5-minute target: an overrun is extrapolated);
- page throughput: wrk on the home page through gunicorn, every request to the next of the N
  hosts in turn (so the host cache, the page cache and the per-schema catalogue all hold N),
  Django-cached and uncached (session cookie); every host first checked to serve its name;
- inbox throughput: the API flow of inbox.py with the clients spread over all N instansi;
- one cycle of every periodic task: each entry of settings.CELERY_BEAT_SCHEDULE run once, eagerly
  in this process (a fan-out's per-instansi messages run inline, one after the other, without
  the countdown that spreads them over the period): the work one period asks of the workers,
  timed against that period; its snapshot refresh gives the per-instansi refresh figure;
- console: render Diskominfo's console (its first page and the summary over all N) over the
  N real snapshots the periodic cycle just refreshed.
Plus the size of PostgreSQL's catalogue (pg_class rows), which every schema adds to, the
memory of each gunicorn worker after the page runs (RSS and PSS: it holds a host map, a
tenant memo and a connection that has loaded every schema's relations), and the backup of one
instansi (`backup_instansi`: seconds and bytes; backups of one instansi must not grow with the
others), beside PostgreSQL's `pg_dump --schema` of it for reference.
Every figure is given at each size with its ratio to the smallest size.

Targets at the largest size (verdicts in the table): provisioning ≤ 1.5× its time at the
smallest size; every other per-request or per-instansi figure ≤ 2× its figure there; each
periodic task's cycle within half its period; `migrate_schemas` with nothing to apply < 5 min.

Usage: python benchmarks/growth.py [--counts 10,200,1000] [--seconds 5] [--connections 16]
    [--print-only] [--save FILE] [--from-saved FILE]
A province-sized step (1,000) first clones the missing instansi: about an hour on a 2-core
machine at 3-4 s each (`--clone-only` clones them and stops, to run ahead of the
measurement). --print-only prints the tables instead of rewriting RESULTS.md. Each size's
figures are saved to --save as soon as they are measured; --from-saved writes the tables from
such a file (a run cut short keeps the sizes it finished).
"""

import argparse
import dataclasses
import datetime
import importlib
import json
import os
import selectors as io_selectors
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    ROOT,
    Timer,
    bench_database_url,
    drop_tenants,
    ensure_tenants,
    migrate,
    setup_django,
    write_section,
)
from benchmarks.webstack import (  # noqa: E402
    BENCH_SECRET_KEY,
    Stack,
    WrkResult,
    get,
    wait_http,
    wrk,
)

PREFIX = "bc"
# A periodic task's cycle must leave room in its period: at most this share of it.
PERIOD_SHARE = 0.5
MIGRATE_LIMIT_S = 300.0


HANDOUT_PAUSE_S = 10.0


def provisioning_at(extra: int) -> dict:
    """Median seconds to provision `extra` more instansi (dropped afterwards), both ways:

    - "pool": what a caller waits for: a spare schema made ahead (untimed, as the refill task
      makes it in the background) is renamed and its `run` steps run;
    - "clone": the plain clone of the template inside the call (the old path, and what making
      each spare costs the background).
    Both after the template's dump was taken (once per template state, shared by every process:
    tenants.template_sql), which "template_dump" times on its own.
    """
    from django.conf import settings

    from tenants.pool import spare_discard_all, spare_refill
    from tenants.services import instansi_provision
    from tenants.template_sql import forget_template_sql, template_sql

    drop_tenants("bg")
    spare_discard_all()
    forget_template_sql()
    with Timer() as timer:
        for part in ("clone", "pre-data", "post-data"):
            assert template_sql(settings.SIMPUL_TEMPLATE_SCHEMA, part), part
    seconds = {"pool": [], "clone": [], "template_dump": timer.seconds}
    # The spares are made first and the hand-outs timed after a pause, as a caller meets them
    # (the refill ran minutes before): a hand-out timed right after a clone's writes waits on
    # their flush to disk, which at 1,000 schemas made it 1.1-1.7x noisier than the work.
    spare_refill(extra)
    time.sleep(HANDOUT_PAUSE_S)
    for way in ("pool", "clone"):
        for index in range(extra):
            with Timer() as timer:
                result = instansi_provision(
                    slug=f"bg{index:03d}{way[0]}",
                    name=f"Instansi Tambahan {index}",
                    admin_password="x" * 12,
                )
            assert result.from_spare is (way == "pool"), way
            seconds[way].append(timer.seconds)
    drop_tenants("bg")
    spare_discard_all()
    return {
        "pool": statistics.median(seconds["pool"]),
        "clone": statistics.median(seconds["clone"]),
        "template_dump": seconds["template_dump"],
    }


def migrate_check(limit: float) -> dict:
    """`migrate_schemas --executor=multiprocessing` with nothing to apply, in a subprocess
    stopped after `limit` seconds (a pass that overruns its target has said what it had to).

    {"seconds": wall time (or the limit), "schemas": tenant schemas, "done": schemas whose
    migration ran, "per_schema_ms": from the first tenant schema's start to the end (the whole
    pass over all schemas when none needed migrating), "finished": bool}; an unfinished pass is extrapolated from its rate in "seconds_estimate".
    """
    from tenants.models import Instansi

    schemas = Instansi.objects.exclude(schema_name="public").count()
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "migrate_schemas",
        "--executor=multiprocessing",
        "--noinput",
        "-v",
        "1",
    ]
    env = dict(os.environ, PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}", PYTHONUNBUFFERED="1")
    started = time.perf_counter()
    first_tenant = None
    done: set[str] = set()
    proc = subprocess.Popen(  # noqa: S603 - fixed arguments
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # on overrun the pool's children stop with it
    )
    finished = True
    deadline = started + limit
    watch = io_selectors.DefaultSelector()
    watch.register(proc.stdout, io_selectors.EVENT_READ)
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            finished = False
            os.killpg(proc.pid, signal.SIGTERM)
            break
        if not watch.select(timeout=min(left, 1.0)):
            if proc.poll() is not None:
                break
            continue
        line = proc.stdout.readline()
        if not line:
            break
        if "Starting migration" in line and ":public]" not in line:
            name = line.split("multiprocessing:", 1)[-1].split("]", 1)[0]
            done.add(name)
            if first_tenant is None:
                first_tenant = time.perf_counter()
    proc.wait()
    ended = time.perf_counter()
    if finished:
        assert proc.returncode == 0, f"migrate_schemas exited {proc.returncode}"
    if done:
        per_schema = (ended - (first_tenant or started)) / len(done)
    else:
        # Every schema already up to date: tenants.migration hands django-tenants none of them
        # (one catalogue query per 200 schemas), so the whole pass is what each schema cost.
        per_schema = (ended - started) / max(schemas, 1)
    result = {
        "seconds": ended - started,
        "schemas": schemas,
        "done": len(done),
        "per_schema_ms": per_schema * 1000,
        "finished": finished,
        "seconds_estimate": (ended - started) + per_schema * (schemas - len(done)),
    }
    return result


def catalogue() -> tuple[int, float]:
    """(pg_class rows, database size in MiB)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), pg_database_size(current_database()) FROM pg_class")
        rows, size = cursor.fetchone()
    return rows, size / 1024 / 1024


def dump_one(slug: str) -> tuple[float, int]:
    """(seconds, bytes) of PostgreSQL's `pg_dump --schema` of one instansi, for reference: it
    reads the catalogue of every schema before it picks one."""
    with Timer() as timer:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            ["pg_dump", "--schema", slug, "--no-owner", bench_database_url()],
            capture_output=True,
            check=True,
            timeout=600,
        )
    return timer.seconds, len(done.stdout)


def backup_one(slugs: list[str]) -> dict:
    """The backup of one instansi (`backup_instansi`: schema, shared rows, media, manifest),
    the mean of each of `slugs` in turn, after one untimed backup (the template's DDL is
    dumped once per template state and shared). Each archive's schema must come from the
    template's DDL."""
    import tempfile

    from tenants.backup import instansi_backup_create

    with tempfile.TemporaryDirectory(prefix="growth-backup-") as tmp:
        warm = instansi_backup_create(slug=slugs[-1], out=Path(tmp) / "warm.tar.gz")
        assert warm.manifest["schema_source"] == "template", warm.manifest["schema_source"]
        seconds, sizes = [], []
        for slug in slugs[:-1]:
            with Timer() as timer:
                result = instansi_backup_create(slug=slug, out=Path(tmp) / f"{slug}.tar.gz")
            assert result.manifest["schema_source"] == "template", slug
            seconds.append(timer.seconds)
            sizes.append(result.path.stat().st_size)
    return {"seconds": sum(seconds) / len(seconds), "bytes": sum(sizes) / len(sizes)}


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _memory_mib(pid: int) -> dict[str, float]:
    """The totals of /proc/<pid>/smaps_rollup (Rss, Pss, Private_Dirty, …) in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        fields = rest.split()
        if len(fields) == 2 and fields[1] == "kB":  # not the first line (the address range)
            values[key] = int(fields[0]) / 1024
    return values


def worker_memory(master_pid: int) -> list[tuple[float, float]]:
    """(RSS, PSS) in MiB of each gunicorn worker of `master_pid`."""
    return [(values["Rss"], values["Pss"]) for values in map(_memory_mib, _children(master_pid))]


# The steady state: the uncached runs start once every worker has seen every host this many
# times over (wrk's Host cycling spreads requests over the workers at random: after k passes a
# worker has missed a given host with probability 2^-k at two workers).
WARM_PASSES = 5
WARM_LIMIT_S = 45.0  # well inside the tenant memo's MEMO_SECONDS (600 s)


def warm_up(app: str, hosts: list[str], connections: int) -> dict:
    """Uncached requests cycling over every host until WARM_PASSES passes are made: every
    worker's host map, tenant memo and connections are then warm, as a server that has been
    serving the regency for a while. {"requests", "seconds"} (the first visits' cost is
    measured apart: first_visits)."""
    made, started = 0, time.perf_counter()
    while made < WARM_PASSES * len(hosts) and time.perf_counter() - started < WARM_LIMIT_S:
        result = wrk(
            "  warm-up",
            f"{app}/",
            hosts[0],
            connections,
            3,
            headers={"Cookie": "sessionid=benchmark-no-such-session"},
            hosts=hosts,
            expect="Instansi Massal",
        )
        assert result.errors == 0, f"warm-up: {result.errors} errors"
        made += result.requests
    return {"requests": made, "seconds": time.perf_counter() - started}


def first_visits(instansi: list, sample: int = 40) -> dict:
    """An uncached home page's first visit in a process that never served the instansi (no
    host map entry, no tenant memo, a database connection that never read its schema), one
    after another in this process: {"p50_ms", "queries"}. What a worker pays for each instansi
    after a restart, and after each memo expiry; the same at every size unless the catalogue
    makes it dearer."""
    import statistics

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    def visit(inst) -> tuple[float, int]:
        client = Client(HTTP_HOST=f"{inst.schema_name}.{settings.SIMPUL_BASE_DOMAIN}")
        client.cookies["sessionid"] = "benchmark-no-such-session"
        # Counted as they run (CaptureQueriesContext counts nothing once the connection's
        # query log is full, as it is after the earlier figures in this process).
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count), Timer() as timer:
            response = client.get("/", secure=True)
        connection.set_schema_to_public()
        assert response.status_code == 200 and inst.name.encode() in response.content
        return timer.seconds * 1000, len(queries)

    from cms.caching.memo import forget_memo
    from tenants.hosts import forget_hosts

    # An earlier size measured in this process served some of these instansi: start cold.
    forget_memo()
    forget_hosts()
    connection.close()
    chosen = instansi[-sample - 1 :]
    visit(chosen[0])  # templates compiled, settings read: once per process, not per instansi
    visits = [visit(inst) for inst in chosen[1:]]
    return {
        "p50_ms": statistics.median(ms for ms, _ in visits),
        "queries": statistics.median(q for _, q in visits),
    }


def backend_memory() -> list[float]:
    """Private memory (MiB) of each PostgreSQL backend connected to this database but this
    process's: the app servers' connections, whose catalogue caches hold the relations of
    every schema they have read (PostgreSQL runs on this machine: /proc is readable)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        pids = [pid for (pid,) in cursor.fetchall()]
    sizes = []
    for pid in pids:
        try:
            values = _memory_mib(pid)
        except OSError:
            continue  # another machine's server, or the backend just ended
        sizes.append(values["Private_Clean"] + values["Private_Dirty"])
    return sizes


def page_throughput(instansi: list, *, seconds: int, connections: int, workers: int) -> dict:
    from django.conf import settings

    hosts = [f"{i.schema_name}.{settings.SIMPUL_BASE_DOMAIN}" for i in instansi]
    with Stack(bench_database_url(), workers=workers) as stack:
        master = stack.start_gunicorn(stack.app_port)
        app = f"http://127.0.0.1:{stack.app_port}"
        wait_http(f"{app}/livez", hosts[0])

        def serves_its_name(pair) -> None:
            inst, host = pair
            status, body, _ = get(f"{app}/", host)
            assert status == 200 and inst.name.encode() in body, f"{host}: HTTP {status}"

        # Every host checked once (8 at a time: 1,000 first visits one by one take minutes).
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(serves_its_name, zip(instansi, hosts, strict=True)))
        warmup = warm_up(app, hosts, connections)
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
        backends = backend_memory()
    for result in (base, cached, uncached):
        assert result.errors == 0, f"{result.label}: {result.errors} errors"
    print(
        "  workers after the runs: "
        + ", ".join(f"RSS {rss:.0f} / PSS {pss:.0f} MiB" for rss, pss in memory),
        flush=True,
    )
    return {
        "warmup": warmup,
        "livez": base,
        "cached": cached,
        "uncached": uncached,
        "backend_private": max(backends, default=float("nan")),
        "backends": len(backends),
        "worker_rss": max(rss for rss, _ in memory),
        "worker_pss": max(pss for _, pss in memory),
    }


def _period_seconds(schedule) -> float | None:
    if isinstance(schedule, datetime.timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float):
        return float(schedule)
    run_every = getattr(schedule, "run_every", None)  # celery.schedules.schedule
    return run_every.total_seconds() if run_every is not None else None


def periodic_cycle() -> dict[str, dict]:
    """One cycle of every beat entry, run eagerly here: {entry: seconds, period, ok, result}.

    A fan-out's per-instansi messages run inline one after the other (no countdown spreading
    them): the seconds are the whole work of one period on one worker process, so the entry
    keeps up if they are well within its period. Spare schemas a refill clones are dropped
    afterwards (the next size's provisioning must clone, as at every size).
    """
    from django.conf import settings
    from django.db import connection
    from simpul.celery import app

    from tenants.pool import spare_discard_all

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    cycle: dict[str, dict] = {}
    try:
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            # The task's module, as a worker imports it (autodiscovery is lazy in this process).
            importlib.import_module(entry["task"].rsplit(".", 1)[0])
            task = app.tasks[entry["task"]]
            with Timer() as timer:
                outcome = task.apply(
                    args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), throw=False
                )
            connection.set_schema_to_public()
            ok = outcome.successful()
            result = outcome.result if ok else repr(outcome.result)
            if isinstance(result, list | dict) and len(result) > 5:
                result = f"{len(result)} items"
            cycle[name] = {
                "task": entry["task"],
                "seconds": timer.seconds,
                "period": _period_seconds(entry["schedule"]),
                "ok": ok,
                "result": result if isinstance(result, int | float | str) else repr(result),
            }
            print(
                f"  periodic {name}: {timer.seconds:.2f} s of its {cycle[name]['period']} s "
                f"period ({'ok' if ok else 'FAILED'}: {str(cycle[name]['result'])[:80]})",
                flush=True,
            )
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved
        spare_discard_all()
        connection.set_schema_to_public()
    return cycle


def measure(count: int, args) -> dict:
    from benchmarks import console, inbox

    print(f"== {count} instansi", flush=True)
    drop_tenants(PREFIX, keep=count)  # exactly `count` bulk instansi in the database
    instansi = ensure_tenants(PREFIX, count)
    figures: dict = {"count": count}
    provisioned = provisioning_at(args.extra)
    figures["provision_s"], figures["clone_s"] = provisioned["pool"], provisioned["clone"]
    figures["template_dump_s"] = provisioned["template_dump"]
    print(
        f"  provisioning with {count} existing: {provisioned['pool']:.3f} s each from a spare, "
        f"{provisioned['clone']:.2f} s by a plain clone; the template's dump "
        f"{provisioned['template_dump']:.2f} s (once per template state)",
        flush=True,
    )
    migrated = migrate_check(args.migrate_limit)
    figures["migrate"] = migrated
    figures["migrate_s"], figures["schemas"] = migrated["seconds"], migrated["schemas"]
    print(
        f"  migrate check over {migrated['done']} of {migrated['schemas']} schemas: "
        f"{migrated['seconds']:.1f} s, {migrated['per_schema_ms']:.0f} ms per schema"
        + (
            ""
            if migrated["finished"]
            else f" (stopped at the limit; ≈ {migrated['seconds_estimate']:.0f} s for all)"
        ),
        flush=True,
    )
    figures["pg_class"], figures["db_mib"] = catalogue()
    print(
        f"  catalogue: {figures['pg_class']:,} relations, database {figures['db_mib']:.0f} MiB",
        flush=True,
    )
    figures["dump_s"], figures["dump_bytes"] = dump_one(instansi[0].schema_name)
    backup = backup_one([i.schema_name for i in instansi[:4]])
    figures["backup_s"], figures["backup_bytes"] = backup["seconds"], backup["bytes"]
    print(
        f"  backup of one instansi: {figures['backup_s']:.2f} s, "
        f"{figures['backup_bytes'] / 1024:.0f} KiB; pg_dump --schema alone "
        f"{figures['dump_s']:.2f} s, {figures['dump_bytes'] / 1024 / 1024:.1f} MiB",
        flush=True,
    )
    figures["first_visit"] = first_visits(instansi)
    print(
        f"  uncached first visit of an instansi: p50 {figures['first_visit']['p50_ms']:.1f} ms, "
        f"{figures['first_visit']['queries']:.0f} queries",
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
    figures["periodic"] = periodic_cycle()
    refresh = figures["periodic"].get("evaluation-refresh-snapshots")
    if refresh and refresh["ok"] and int(refresh["result"] or 0):
        refreshed = int(refresh["result"])  # snapshots: every active instansi × open years
        figures["refresh"] = {
            "count": refreshed,
            "total": refresh["seconds"],
            "mean_ms": refresh["seconds"] / refreshed * 1000,
        }
        print(
            f"  snapshot refresh: {refreshed} snapshots in {refresh['seconds']:.1f} s "
            f"({figures['refresh']['mean_ms']:.0f} ms each)",
            flush=True,
        )
    else:  # no such beat entry: refresh the snapshots the console shows directly
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

    cost(
        "provisioning, per instansi (from a spare)",
        small["provision_s"],
        large["provision_s"],
        "s",
        "{:.3f}",
    )
    if "clone_s" in small and "clone_s" in large:
        cost("cloning, per instansi (a spare made ahead)", small["clone_s"], large["clone_s"], "s")
    cost(
        "migrate check, per schema",
        small["migrate"]["per_schema_ms"],
        large["migrate"]["per_schema_ms"],
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
    if "first_visit" in small and "first_visit" in large:
        cost(
            "home page, uncached first visit (per instansi)",
            small["first_visit"]["p50_ms"],
            large["first_visit"]["p50_ms"],
            "ms",
            "{:.1f}",
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
        "console render p50 (one page + summary)",
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
    if "backup_s" in small and "backup_s" in large:
        cost("backup of one instansi", small["backup_s"], large["backup_s"], "s")
    cost("pg_dump --schema of one instansi", small["dump_s"], large["dump_s"], "s")
    if "template_dump_s" in small and "template_dump_s" in large:
        cost(
            "template's dump (once per template state)",
            small["template_dump_s"],
            large["template_dump_s"],
            "s",
        )
    return rows


WHY = {
    "console render p50 (one page + summary)": (
        "the console renders one page of 50 instansi whatever N is; its summary figures and "
        "charts are SQL aggregates over all N snapshots, whose cost grows with N"
    ),
    "home page, uncached": (
        "once an instansi is in a worker's tenant memo (cms.caching), its page costs no query and "
        "is rendered from shared parts; the runs start after a warm-up over every host, but at "
        "1,000 each worker still meets instansi it never served, each a first visit (the row "
        "below)"
    ),
    "home page, uncached first visit (per instansi)": (
        "a worker's first request for an instansi fills its tenant memo (about ten queries) on "
        "a connection that loads that schema's relations: the catalogue lookups grow slowly "
        "with the catalogue"
    ),
    "home page, Django cache": (
        "a hit resolves the host from the process's map and reads the generation and the page "
        "in one Redis round trip, no query: nothing in it grows with N (10 hosts or 1,000 of "
        "the same database measure alike); what moves it between runs is how wrk's "
        "connections fall on the two workers (all on one: half the rate), which the runs "
        "even out by reopening a connection every 100 requests, as nginx does"
    ),
    "/livez over every host": (
        "host resolution is the only per-tenant work, from each process's map of every host "
        "(one query per 10 s, tenants.hosts)"
    ),
    "migrate check, per schema": (
        "tenants.migration asks PostgreSQL, 200 schemas a query, which schemas lack a migration "
        "and hands django-tenants only those: with none, the pass is its start-up and those "
        "queries, shared by all schemas"
    ),
    "provisioning, per instansi (from a spare)": (
        "a hand-out renames a spare schema made ahead and runs the steps' `run` halves (host, "
        "names, admin, audit): a few dozen small queries whatever N is"
    ),
    "cloning, per instansi (a spare made ahead)": (
        "replaying the template's dump inserts into the catalogue, whose indexes grow with "
        "every schema; paid by the background refill, not by the caller"
    ),
    "backup of one instansi": (
        "the template's DDL (dumped once per template state) around the instansi's own rows, "
        "copied in the backup's snapshot: the cost of what the instansi holds"
    ),
    "template's dump (once per template state)": (
        "pg_dump reads the whole catalogue to pick the template's objects; taken once after "
        "each migration and shared by every process (tenants.template_sql)"
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
    "pg_dump --schema of one instansi": (
        "pg_dump reads the whole catalogue to pick one schema's objects: it grows with the "
        "number of schemas, not with the instansi's own data (the backup no longer uses it "
        "for an instansi shaped like the template)"
    ),
    "snapshot refresh, per instansi": (
        "each refresh runs the selectors inside one schema; per-instansi cost is fixed, the total "
        "grows linearly (total below)"
    ),
}


TARGETS = {
    "provisioning, per instansi (from a spare)": 1.5,
    "PostgreSQL relations (pg_class)": None,
    # PostgreSQL's own tool, for reference (the backup is the figure with a target), and the
    # template's dump, paid once per migration rather than per instansi.
    "pg_dump --schema of one instansi": None,
    "template's dump (once per template state)": None,
}
DEFAULT_TARGET = 2.0
WRK_RUNS = ("livez", "cached", "uncached")
NO_TARGET = {"PostgreSQL relations (pg_class)": "(size, not a target)"}


def _jsonable(figures: dict) -> dict:
    out = dict(figures)
    out["pages"] = {
        key: dataclasses.asdict(value) if isinstance(value, WrkResult) else value
        for key, value in figures["pages"].items()
    }
    return out


def _from_json(figures: dict) -> dict:
    out = dict(figures)
    out["pages"] = {
        key: WrkResult(**value) if key in WRK_RUNS and isinstance(value, dict) else value
        for key, value in figures["pages"].items()
    }
    return out


def save(path: str, results: list[dict]) -> None:
    Path(path).write_text(json.dumps([_jsonable(r) for r in results], indent=1, default=str))


def _hit_share(result: WrkResult) -> str:
    return f"{100 * result.hits / result.requests:.1f}" if result.hits else "–"


def report(results: list[dict], args, uptime: list[str]) -> str:
    """The section's body: every size against the smallest, targets and verdicts."""
    results = sorted(results, key=lambda r: r["count"])
    small, large = results[0], results[-1]
    steps = [degradation(small, result) for result in results[1:]]
    rows = steps[-1]
    sizes = " | ".join(f"at {r['count']:,}" for r in results)
    lines = [
        f"| figure | {sizes} | unit | worse by at {large['count']:,} | target | verdict |",
        "|---|" + "---:|" * len(results) + "---|---:|---|---|",
    ]
    for i, (label, factor, a, b, unit) in enumerate(rows):
        target = TARGETS.get(label, DEFAULT_TARGET)
        between = " | ".join(f"{step[i][3]} ({step[i][1]:.2f}×)" for step in steps[:-1])
        cells = f"{a} | " + (f"{between} | " if between else "") + f"{b}"
        if target is None:
            goal, verdict = "–", NO_TARGET.get(label, "(reference, not a target)")
        else:
            goal = f"≤ {target:g}×"
            verdict = "met" if factor <= target else f"**missed** ({factor:.2f}×)"
        lines.append(f"| {label} | {cells} | {unit} | {factor:.2f}× | {goal} | {verdict} |")
    migrated = large["migrate"]
    if migrated["finished"] and migrated["seconds"] < MIGRATE_LIMIT_S:
        migrate_verdict = "met"
    elif migrated["finished"]:
        migrate_verdict = f"**missed** ({migrated['seconds']:.0f} s)"
    else:
        migrate_verdict = (
            f"**missed** (stopped at {migrated['seconds']:.0f} s after {migrated['done']:,} of "
            f"{migrated['schemas']:,} schemas; ≈ {migrated['seconds_estimate']:.0f} s for all)"
        )
    lines.append(
        "| migrate check, total | "
        + " | ".join(
            f"{r['migrate']['seconds']:.1f}" + ("" if r["migrate"]["finished"] else " (stopped)")
            for r in results
        )
        + f" | s | – | < {MIGRATE_LIMIT_S:.0f} s at {large['count']:,} | {migrate_verdict} |"
    )
    periodic = [
        "| beat entry (task) | period, s | "
        + " | ".join(f"cycle at {r['count']:,}, s" for r in results)
        + f" | share of period at {large['count']:,} | verdict (≤ {PERIOD_SHARE:.0%}) |",
        "|---|---:|" + "---:|" * len(results) + "---:|---|",
    ]
    for name, entry in large.get("periodic", {}).items():
        period = entry["period"]
        share = entry["seconds"] / period if period else float("nan")
        if not entry["ok"]:
            verdict = f"**failed**: {entry['result'][:60]}"
        else:
            verdict = "met" if share <= PERIOD_SHARE else f"**missed** ({share:.0%})"
        cycles = " | ".join(
            f"{r.get('periodic', {}).get(name, {}).get('seconds', float('nan')):.2f}"
            for r in results
        )
        periodic.append(
            f"| {name} (`{entry['task']}`) | {period:g} | {cycles} | {share:.1%} | {verdict} |"
        )
    side = [
        f"| measured alongside | {sizes} |",
        "|---|" + "---:|" * len(results),
        "| tenant schemas in the database | "
        + " | ".join(f"{r['schemas']:,}" for r in results)
        + " |",
        "| PostgreSQL relations (pg_class) | "
        + " | ".join(f"{r['pg_class']:,}" for r in results)
        + " |",
        "| database size, MiB | " + " | ".join(f"{r['db_mib']:.0f}" for r in results) + " |",
        "| snapshot refresh total, s | "
        + " | ".join(f"{r['refresh']['total']:.1f}" for r in results)
        + " |",
        "| console page, KiB | "
        + " | ".join(f"{r['console']['bytes'] / 1024:.0f}" for r in results)
        + " |",
        "| pg_dump --schema of one instansi, MiB | "
        + " | ".join(f"{r['dump_bytes'] / 1024 / 1024:.1f}" for r in results)
        + " |",
        "| backup archive of one instansi, KiB | "
        + " | ".join(f"{r.get('backup_bytes', float('nan')) / 1024:.0f}" for r in results)
        + " |",
        "| gunicorn worker PSS (largest), MiB | "
        + " | ".join(f"{r['pages']['worker_pss']:.0f}" for r in results)
        + " |",
        "| warm-up before the page runs, requests (s) | "
        + " | ".join(
            f"{r['pages']['warmup']['requests']:,} ({r['pages']['warmup']['seconds']:.0f})"
            if "warmup" in r["pages"]
            else "–"
            for r in results
        )
        + " |",
        "| uncached first visit, queries | "
        + " | ".join(
            f"{r['first_visit']['queries']:.0f}" if "first_visit" in r else "–" for r in results
        )
        + " |",
        "| PostgreSQL backend private memory (largest of the app's connections), MiB | "
        + " | ".join(f"{r['pages'].get('backend_private', float('nan')):.0f}" for r in results)
        + " |",
        "| home uncached p99, ms | "
        + " | ".join(f"{r['pages']['uncached'].p99:.1f}" for r in results)
        + " |",
        "| home page, Django cache: answers from the cache, % | "
        + " | ".join(_hit_share(r["pages"]["cached"]) for r in results)
        + " |",
        "| /livez ÷ home page, Django cache (the page's own cost against the stack's) | "
        + " | ".join(f"{r['pages']['livez'].rps / r['pages']['cached'].rps:.2f}" for r in results)
        + " |",
    ]
    ordered = sorted(
        (r for r in rows if TARGETS.get(r[0], DEFAULT_TARGET) is not None), key=lambda r: -r[1]
    )
    worst = ordered[0]
    return (
        f"Real instansi `{PREFIX}…` with schemas, each size measured with the same code and "
        "parameters in a database holding exactly that many (a size in a database of its own "
        "when the others were being cloned: "
        + ", ".join(f"{r['count']:,} in `{r.get('database', '?')}`" for r in results)
        + f"); gunicorn {args.workers} workers × "
        f"{os.environ.get('GUNICORN_THREADS', '4')} threads, preloaded (deploy/gunicorn.conf.py, "
        "DEBUG off); wrk "
        f"{args.connections} connections cycling over every host, {args.seconds} s per run; "
        f"inbox flow with {args.clients} clients cycling over every instansi; every page and "
        "every inquiry checked as in the other sections. Machine load when each size's "
        f"measurement ended (`uptime`): {'; '.join(uptime)}.\n\n"
        + "\n".join(lines)
        + "\n\n“worse by” is the cost ratio, or the throughput ratio inverted, against the "
        "smallest size (in brackets for the sizes between).\n\n"
        "One cycle of every periodic task (settings.CELERY_BEAT_SCHEDULE), each run once "
        "eagerly in the benchmark process: a fan-out's per-instansi messages run inline one "
        "after another, so the cycle is all of one period's work on a single worker process "
        "(workers run them in parallel, spread over the period):\n\n"
        + "\n".join(periodic)
        + "\n\n"
        + "\n".join(side)
        + f"\n\n**Bends first: {worst[0]}** — {worst[1]:.2f}× worse from {small['count']:,} to "
        f"{large['count']:,} instansi: {WHY.get(worst[0], '')}. Next: "
        + "; ".join(f"{label} {factor:.2f}×" for label, factor, *_ in ordered[1:4])
        + "."
    )


def uptime_now() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="10,200")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--extra", type=int, default=5, help="instansi provisioned at each size")
    parser.add_argument(
        "--print-only", action="store_true", help="print the tables, leave RESULTS.md alone"
    )
    parser.add_argument("--note", default="", help="a paragraph added to the section")
    parser.add_argument("--save", default="", help="write each size's figures to this JSON file")
    parser.add_argument("--from-saved", default="", help="write the tables from a saved run")
    parser.add_argument(
        "--clone-only", action="store_true", help="clone the largest size's instansi and stop"
    )
    parser.add_argument(
        "--migrate-limit",
        type=float,
        default=MIGRATE_LIMIT_S * 1.2,
        help="stop the migrate check after this many seconds (its target is 300)",
    )
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="skip the set-up migrate_schemas (schemas known current, e.g. after --clone-only "
        "with the same code): at 1,000 schemas that pass alone takes about ten minutes",
    )
    args = parser.parse_args()
    command = (
        f"python benchmarks/growth.py --counts {args.counts} --seconds {args.seconds} "
        f"--connections {args.connections} --clients {args.clients}"
    )
    if args.from_saved:
        saved = json.loads(Path(args.from_saved).read_text())
        results = [_from_json(r) for r in saved]
        uptime = [f"at {r['count']:,}: {r.get('uptime', '?')}" for r in results]
    else:
        setup_django(SECRET_KEY=BENCH_SECRET_KEY)
        if not args.no_migrate:
            migrate()
        counts = sorted(int(c) for c in args.counts.split(","))
        if args.clone_only:
            ensure_tenants(PREFIX, counts[-1])
            return
        # Largest first (provisioning.py --keep leaves them, and dropping is cheaper than
        # cloning), then the smallest (the baseline of every ratio), then the sizes between:
        # a run cut short still has the two sizes the targets compare.
        order = [counts[-1], counts[0], *counts[1:-1]] if len(counts) > 2 else counts[::-1]
        results = []
        if args.save and Path(args.save).exists():
            # Sizes measured by an earlier invocation (e.g. the smallest in a database of its
            # own while the largest was being cloned): kept unless measured again now.
            results = [_from_json(r) for r in json.loads(Path(args.save).read_text())]
            results = [r for r in results if r["count"] not in counts]
        for count in order:
            figures = measure(count, args)
            figures["uptime"] = uptime_now()
            figures["database"] = bench_database_url().rsplit("/", 1)[-1]
            print(f"  {figures['uptime']}", flush=True)
            results.append(figures)
            if args.save:
                save(args.save, results)
        uptime = [f"at {r['count']:,}: {r.get('uptime', '?')}" for r in results]
    if len(results) < 2:
        print("one size only: nothing to compare", flush=True)
        return
    body = report(results, args, uptime)
    if args.note:
        body += f"\n\n{args.note}"
    print(body, flush=True)
    if args.print_only:
        return
    write_section("Growth", command, body)


if __name__ == "__main__":
    main()
