"""Console: render time of Diskominfo's console over 50/200/500 instansi, and snapshot refreshes.

The console reads snapshots only (`evaluation.selectors.console_page` for one page of the table,
`console_summary` for the figures over every instansi, in SQL aggregates), so the instansi it
lists are seeded as rows without schemas (`auto_create_schema = False`), each with
a snapshot and, for one in three, an annual report. Other active instansi of the bench database
(those of other benchmarks) are archived for the measurement and restored afterwards, so the
console lists exactly N. Render time is measured through gunicorn (DEBUG off) with a signed-in
evaluator's session, against `GET /livez` on the same host as the same-run baseline; every
response is checked for the N rows and the server-rendered charts.

The refresh: `evaluation.services.snapshot_refresh` (what `evaluation.tasks.refresh_all_snapshots`
runs per instansi) timed over N real instansi with schemas.

Usage: python benchmarks/console.py [--counts 50,200,500] [--requests 20] [--refresh 10]
"""

import argparse
import http.client
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    Timer,
    bench_database_url,
    ensure_tenants,
    migrate,
    setup_django,
    write_section,
)
from benchmarks.webstack import BENCH_SECRET_KEY, Stack, wait_http  # noqa: E402

SUPER = "bkominfo"
PREFIX = "bcon"


def snapshot_data(n: int, year: int) -> dict:
    """A plausible snapshot (the shape `evaluation.figures.collect` stores)."""
    return {
        "registry": {
            "active_decree": n % 2 == 0,
            "decrees": 1,
            "accounts_active": n % 4,
            "accounts_without_active_decree": 0,
            "officers_active": 2,
            "appointments_expired": 0,
            "accounts_missing_audience_last_month": n % 3,
        },
        "audience": 100 * n,
        "news": {
            "total": n % 97,
            "by_category": {"kegiatan": n % 50, "isu": n % 30, "kebijakan": n % 17},
            "by_tagar": {"#simpul": n % 7},
            "by_month": {f"{year}-{m:02d}": (n + m) % 9 for m in range(1, 13)},
        },
        "inbox": {
            "received": n % 40,
            "answered_within_sla_share": (n % 10) / 10,
            "median_response_hours": 5.0 + n % 20,
        },
        "sop": {"sop_active": True, "share_within_standard": 0.5, "items_published": n % 12},
    }


def super_tenant():
    """Diskominfo of the bench database (a super-tenant with a schema) and its admin user."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from tenants.models import Instansi
    from tenants.services import instansi_provision

    inst = Instansi.objects.filter(schema_name=SUPER).first()
    if inst is None:
        inst = instansi_provision(
            slug=SUPER,
            name="Dinas Komunikasi dan Informatika Uji",
            kind=Instansi.Kind.SUPER,
            admin_password="bench-password-123",
        ).instansi
    with schema_context(SUPER):
        user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    return inst, user


def session_cookie(user) -> str:
    """A session of `user` on Diskominfo's host, signed with the key gunicorn runs with."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    with schema_context(SUPER):
        client = Client(HTTP_HOST=f"{SUPER}.{settings.SIMPUL_BASE_DOMAIN}")
        client.force_login(user)
        # Diskominfo's admins must pass TOTP: mark the session verified, as the login form does.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    connection.set_schema_to_public()
    return f"{settings.SESSION_COOKIE_NAME}={cookie}"


def seed_rows(count: int, year: int) -> None:
    """Exactly `count` schema-less instansi `bcon…` with a snapshot for `year`."""
    from evaluation.models import AnnualReport, InstansiSnapshot
    from tenants.models import Instansi

    have = Instansi.objects.filter(schema_name__startswith=PREFIX).count()
    if have > count:
        extra = Instansi.objects.filter(schema_name__startswith=PREFIX).order_by("-schema_name")
        ids = list(extra.values_list("pk", flat=True)[: have - count])
        InstansiSnapshot.objects.filter(instansi_id__in=ids).delete()
        AnnualReport.objects.filter(instansi_id__in=ids).delete()
        Instansi.objects.filter(pk__in=ids).delete()
    elif have < count:
        rows = Instansi.objects.bulk_create(
            Instansi(schema_name=f"{PREFIX}{i:03d}", name=f"Instansi Konsol {i:03d}")
            for i in range(have, count)
        )
        InstansiSnapshot.objects.bulk_create(
            InstansiSnapshot(instansi=inst, year=year, data=snapshot_data(i, year))
            for i, inst in enumerate(rows, start=have)
        )
        AnnualReport.objects.bulk_create(
            AnnualReport(instansi=inst, year=year, status="submitted")
            for i, inst in enumerate(rows, start=have)
            if i % 3 == 0
        )


def drop_rows() -> None:
    """Delete the schema-less console rows and what points at them."""
    from evaluation.models import AnnualReport, InstansiSnapshot
    from tenants.models import Instansi

    rows = Instansi.objects.filter(schema_name__startswith=PREFIX)
    InstansiSnapshot.objects.filter(instansi__in=rows).delete()
    AnnualReport.objects.filter(instansi__in=rows).delete()
    rows.delete()


class Others:
    """Archive every other active instansi during the measurement; restore them afterwards."""

    def __init__(self, keep_prefixes: tuple[str, ...]):
        self.keep = keep_prefixes
        self.ids: list[int] = []

    def __enter__(self):
        from django.db.models import Q

        from tenants.models import Instansi

        keep = Q(schema_name=SUPER)
        for prefix in self.keep:
            keep |= Q(schema_name__startswith=prefix)
        others = Instansi.objects.active().exclude(keep)
        self.ids = list(others.values_list("pk", flat=True))
        Instansi.objects.filter(pk__in=self.ids).update(is_active=False)
        return self

    def __exit__(self, *exc):
        from tenants.models import Instansi

        Instansi.objects.filter(pk__in=self.ids).update(is_active=True)


def get(port: int, host: str, path: str, cookie: str | None) -> tuple[int, bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": host}
    if cookie:
        headers["Cookie"] = cookie
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    return response.status, body, elapsed


def timed(port: int, host: str, path: str, cookie: str | None, requests: int, check) -> dict:
    for _ in range(3):  # warm the worker (imports, host cache, connections)
        status, body, _ = get(port, host, path, cookie)
        check(status, body)
    times = []
    for _ in range(requests):
        status, body, ms = get(port, host, path, cookie)
        check(status, body)
        times.append(ms)
    times.sort()
    return {
        "p50": times[len(times) // 2],
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "max": times[-1],
        "bytes": len(body),
    }


def render_console(
    counts: list[int],
    *,
    requests: int,
    seed: bool = True,
    keep_prefixes: tuple[str, ...] = (PREFIX,),
    year: int | None = None,
) -> list[dict]:
    """Console render figures for each N; with seed=False the listed instansi already exist."""
    from django.conf import settings
    from django.utils import timezone

    from tenants.models import Instansi

    year = year or timezone.localdate().year
    _, user = super_tenant()
    cookie = session_cookie(user)
    host = f"{SUPER}.{settings.SIMPUL_BASE_DOMAIN}"
    path = f"/console/?tahun={year}"
    results = []
    with Stack(bench_database_url(), workers=2) as stack:
        stack.start_gunicorn(stack.app_port)
        wait_http(f"http://127.0.0.1:{stack.app_port}/livez", host)

        def live_ok(status, body):
            assert status == 200, f"/livez: HTTP {status}"

        for count in counts:
            if seed:
                seed_rows(count, year)
            with Others(keep_prefixes):
                listed = Instansi.objects.active().exclude(schema_name=SUPER).count()
                # the super-tenant lists itself too
                expected = listed + 1

                def console_ok(status, body, expected=expected):
                    from evaluation.selectors import PAGE_SIZE

                    assert status == 200, f"console: HTTP {status} {body[:300]!r}"
                    # One page of the table; the summary and charts count every instansi.
                    rows = body.count(b"data-slug=")
                    shown = min(expected, PAGE_SIZE)
                    assert rows == shown, f"console page lists {rows} rows, expected {shown}"
                    total = f'data-total="{expected}"'.encode()
                    assert total in body, f"console does not count {expected} instansi"
                    assert b"<svg" in body, "console charts missing"

                time.sleep(1.1)  # hosts cached by workers see the archive within their TTL
                base = timed(stack.app_port, host, "/livez", None, requests, live_ok)
                figures = timed(stack.app_port, host, path, cookie, requests, console_ok)
            figures.update(count=count, rows=expected, livez=base["p50"])
            results.append(figures)
            print(
                f"  console with {expected} instansi: p50 {figures['p50']:.0f} ms, "
                f"p95 {figures['p95']:.0f} ms, max {figures['max']:.0f} ms "
                f"({figures['bytes'] / 1024:.0f} KiB); /livez p50 {base['p50']:.1f} ms; "
                f"ratio {figures['p50'] / base['p50']:.0f}×",
                flush=True,
            )
    return results


def refresh_snapshots(instansi: list, year: int | None = None) -> dict:
    """Time `snapshot_refresh` for each real instansi, as the beat task runs it."""
    from django.db import connection
    from django.utils import timezone

    from evaluation.models import InstansiSnapshot
    from evaluation.services import snapshot_refresh

    year = year or timezone.localdate().year
    times = []
    started = timezone.now()
    with Timer() as total:
        for inst in instansi:
            with Timer() as one:
                snapshot_refresh(instansi=inst, year=year)
                connection.set_schema_to_public()
            times.append(one.seconds)
    fresh = InstansiSnapshot.objects.filter(
        instansi__in=instansi, year=year, refreshed_at__gte=started
    ).count()
    assert fresh == len(instansi), f"{fresh} snapshots refreshed for {len(instansi)} instansi"
    times.sort()
    result = {
        "count": len(instansi),
        "total": total.seconds,
        "mean_ms": total.seconds / len(instansi) * 1000,
        "max_ms": times[-1] * 1000,
    }
    print(
        f"  snapshot refresh of {len(instansi)} real instansi: {total.seconds:.2f} s "
        f"({result['mean_ms']:.0f} ms each, max {result['max_ms']:.0f} ms)",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", default="50,200,500")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--refresh", type=int, default=10, help="real instansi to refresh")
    args = parser.parse_args()
    setup_django(SECRET_KEY=BENCH_SECRET_KEY)
    drop_rows()  # left over by an interrupted run, they would break `migrate_schemas`
    migrate()
    counts = [int(c) for c in args.counts.split(",")]
    print(f"-- console render with {args.counts} seeded instansi", flush=True)
    try:
        renders = render_console(counts, requests=args.requests)
    finally:
        drop_rows()  # rows without schemas would break `migrate_schemas`
    print(f"-- snapshot refresh over {args.refresh} real instansi (bi…)", flush=True)
    refresh = refresh_snapshots(ensure_tenants("bi", args.refresh, label="Instansi Kotak Masuk"))
    largest = renders[-1]
    verdict = "met" if largest["p95"] < 300 else "**missed**"
    rows = "\n".join(
        f"| {r['rows']} | {r['p50']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | "
        f"{r['bytes'] / 1024:.0f} | {r['livez']:.1f} | {r['p50'] / r['livez']:.0f}× |"
        for r in renders
    )
    body = (
        "`GET /console/` on Diskominfo's host through gunicorn (DEBUG off), signed in as its "
        f"admin, {args.requests} sequential requests after 3 warm-ups per size. Each response "
        "was checked to show the first page of the table (50 `data-slug` rows), to count every "
        "instansi in its summary and carry the server-rendered charts (aggregates over all). Instansi are schema-less rows with seeded snapshots (the console never reads "
        "tenant schemas); the rows count includes Diskominfo itself.\n\n"
        "| instansi listed | p50 ms | p95 ms | max ms | page KiB | /livez p50 ms | p50 ÷ /livez |\n"
        "|---:|---:|---:|---:|---:|---:|---:|\n"
        f"{rows}\n\n"
        f"Target < 300 ms at 500 instansi (p95): {verdict}.\n\n"
        f"Refreshing the snapshots of {refresh['count']} real instansi "
        "(`evaluation.services.snapshot_refresh`, the per-instansi work of "
        f"`evaluation.tasks.refresh_all_snapshots`): {refresh['total']:.2f} s, "
        f"{refresh['mean_ms']:.0f} ms per instansi (max {refresh['max_ms']:.0f} ms); "
        f"linear in the number of instansi, so ≈ {refresh['mean_ms'] * 500 / 1000:.0f} s for "
        "500 (measured at 10 and 200 in the Growth section)."
    )
    write_section(
        "Console",
        f"python benchmarks/console.py --counts {args.counts} --requests {args.requests} "
        f"--refresh {args.refresh}",
        body,
    )


if __name__ == "__main__":
    main()
