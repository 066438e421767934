"""Shared plumbing for benchmarks: a database of their own, Django set-up, the results table.

Benchmarks run against `<DATABASE_URL's database>_bench` so they never touch demo data, with
production-like settings where the benchmark serves HTTP (DEBUG off, gunicorn).
"""

import os
import platform as stdlib_platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"


def bench_database_url() -> str:
    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/simpul"))
    name = url.path.lstrip("/") or "simpul"
    if not name.endswith("_bench"):  # idempotent: setup_django already points DATABASE_URL here
        name += "_bench"
    return urlunparse(url._replace(path=f"/{name}"))


def ensure_bench_database() -> str:
    url = bench_database_url()
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    base = [
        "-h",
        parsed.hostname or "127.0.0.1",
        "-p",
        str(parsed.port or 5432),
        "-U",
        parsed.username or "postgres",
    ]
    exists = subprocess.run(
        [
            "psql",
            *base,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["createdb", *base, name], check=True)
    return url


def setup_django(**env: str) -> None:
    sys.stdout.reconfigure(line_buffering=True)  # progress lines appear as they happen
    os.environ["DATABASE_URL"] = ensure_bench_database()
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("SIMPUL_CACHE_PREFIX", "bench")
    os.environ.update(env)
    sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpul.settings")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    drop_rows_without_schema()
    call_command("migrate_schemas", interactive=False, verbosity=0)


def machine() -> str:
    cpus = os.cpu_count()
    mem = ""
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return (
        f"{stdlib_platform.machine()}, {cpus} cores{mem}, Python {stdlib_platform.python_version()}"
    )


def write_section(name: str, command: str, body: str) -> None:
    """Replace (or append) the section `name` of RESULTS.md with fresh figures."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"<!-- {name}:start -->\n## {name}\n\n"
        f"Measured {stamp} on {machine()}. Command: `{command}`\n\n{body.strip()}\n<!-- {name}:end -->"
    )
    text = (
        RESULTS.read_text(encoding="utf-8")
        if RESULTS.exists()
        else "# Benchmark results\n\nEach section is rewritten by the benchmark that produced it.\n"
    )
    pattern = re.compile(
        rf"<!-- {re.escape(name)}:start -->.*?<!-- {re.escape(name)}:end -->", re.S
    )
    text = (
        pattern.sub(section, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + section + "\n"
    )
    RESULTS.write_text(text, encoding="utf-8")


def ensure_tenants(prefix: str, count: int, *, label: str = "Instansi Massal") -> list:
    """`count` instansi `<prefix>000`… provisioned by cloning (kept between runs); returns them."""
    from django.db import connection

    from tenants.models import Instansi
    from tenants.services import instansi_provision

    existing = {i.schema_name: i for i in Instansi.objects.filter(schema_name__startswith=prefix)}
    made = 0
    for index in range(count):
        slug = f"{prefix}{index:03d}"
        if slug not in existing:
            existing[slug] = instansi_provision(
                slug=slug, name=f"{label} {index:03d}", admin_password="bench-password-123"
            ).instansi
            made += 1
            if made % 25 == 0:
                print(f"  provisioned {made} instansi ({prefix}…)", flush=True)
                # A backend that created hundreds of schemas keeps their catalogue entries and
                # clones ever slower (6 s against 2 s at 800): start afresh now and then.
                connection.close()
    return [existing[f"{prefix}{index:03d}"] for index in range(count)]


def delete_inbox_rows(ids: list[int]) -> None:
    """Delete the inbox rows of these instansi, and every row hanging off their inquiries
    (an escalation to Diskominfo belongs to Diskominfo but points at the inquiry)."""
    from django.db import connection, transaction

    inquiries = "SELECT id FROM inbox_inquiry WHERE instansi_id = ANY(%(ids)s)"
    with transaction.atomic(), connection.cursor() as cursor:
        for table, owner in (
            ("inbox_notification", "instansi_id = ANY(%(ids)s)"),
            ("inbox_inquiryevent", "instansi_id = ANY(%(ids)s)"),
            (
                "inbox_referral",
                "from_instansi_id = ANY(%(ids)s) OR to_instansi_id = ANY(%(ids)s) "
                "OR suggested_instansi_id = ANY(%(ids)s)",
            ),
        ):
            if table == "inbox_referral":  # what points at those referrals goes first
                for child in ("inbox_notification", "inbox_inquiryevent"):
                    cursor.execute(
                        f"DELETE FROM {child} WHERE referral_id IN "
                        f"(SELECT id FROM inbox_referral WHERE {owner})",
                        {"ids": ids},
                    )
            cursor.execute(
                f"DELETE FROM {table} WHERE {owner} OR inquiry_id IN ({inquiries})", {"ids": ids}
            )
        cursor.execute("DELETE FROM inbox_inquiry WHERE instansi_id = ANY(%(ids)s)", {"ids": ids})


def drop_tenants(prefix: str, *, keep: int = 0) -> None:
    """Drop the instansi `<prefix>NNN` with NNN ≥ `keep` (all by default): rows, then schemas."""
    from tenants.models import Instansi

    slugs = [
        slug
        for slug in Instansi.objects.filter(schema_name__startswith=prefix).values_list(
            "schema_name", flat=True
        )
        if not slug[len(prefix) :].isdigit() or int(slug[len(prefix) :]) >= keep
    ]
    _drop(slugs)


def _drop(slugs: list[str]) -> None:
    from django.db import connection, transaction

    from tenants.hosts import forget_hosts
    from tenants.models import Instansi

    if not slugs:
        return
    ids = list(Instansi.objects.filter(schema_name__in=slugs).values_list("pk", flat=True))
    delete_inbox_rows(ids)
    # Every public row that points at these instansi goes with them (benchmark data only), in
    # one transaction (FKs are checked at commit); the schemas are dropped only afterwards, so
    # a failure never leaves a row without its schema (which would break `migrate_schemas`).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT cl.relname, a.attname FROM pg_constraint c
            JOIN pg_class cl ON cl.oid = c.conrelid
            JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = 'public'
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
            WHERE c.contype = 'f' AND c.confrelid = 'public.tenants_instansi'::regclass
            """
        )
        for table, column in cursor.fetchall():
            cursor.execute(f'DELETE FROM public."{table}" WHERE "{column}" = ANY(%s)', [ids])
        cursor.execute("DELETE FROM tenants_instansi WHERE id = ANY(%s)", [ids])
    with connection.cursor() as cursor:
        for slug in slugs:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{slug}" CASCADE')
    forget_hosts()


def drop_rows_without_schema() -> None:
    """Instansi rows whose schema is missing (an interrupted run) break `migrate_schemas`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.tenants_instansi') IS NOT NULL")
        if not cursor.fetchone()[0]:  # a fresh database: nothing migrated yet
            return
        cursor.execute(
            "SELECT schema_name FROM tenants_instansi WHERE schema_name <> 'public' AND "
            "schema_name NOT IN (SELECT nspname FROM pg_namespace)"
        )
        slugs = [row[0] for row in cursor.fetchall()]
    if slugs:
        print(f"  removing {len(slugs)} instansi rows without a schema: {slugs[:5]}…", flush=True)
        _drop(slugs)


class Timer:
    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
