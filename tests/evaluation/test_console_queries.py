"""The console reads snapshots: its query count does not grow with the number of instansi."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.models import AnnualReport, InstansiSnapshot
from tenants.models import Instansi
from tests.conftest import login_client

YEAR = 2026
pytestmark = pytest.mark.django_db


def snapshot_data(n: int) -> dict:
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
            "total": n,
            "by_category": {"kegiatan": n, "isu": 0, "kebijakan": 0},
            "by_tagar": {},
            "by_month": {f"{YEAR}-03": n},
        },
        "inbox": {
            "received": n,
            "answered_within_sla_share": (n % 10) / 10,
            "median_response_hours": 5.0,
        },
        "sop": {"sop_active": True, "share_within_standard": 0.5, "items_published": n},
    }


def add_instansi(count: int, start: int = 0) -> list[Instansi]:
    """Instansi rows without schemas (bulk_create bypasses TenantMixin.save) and their snapshots."""
    rows = Instansi.objects.bulk_create(
        Instansi(schema_name=f"massal{i:03d}", name=f"Instansi Massal {i:03d}")
        for i in range(start, start + count)
    )
    InstansiSnapshot.objects.bulk_create(
        InstansiSnapshot(instansi=inst, year=YEAR, data=snapshot_data(i))
        for i, inst in enumerate(rows)
    )
    AnnualReport.objects.bulk_create(
        AnnualReport(instansi=inst, year=YEAR, status="submitted") for inst in rows[::3]
    )
    return rows


def count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_console_query_count_is_constant_with_50_instansi():
    client = login_client("diskominfo")
    path = f"/console/?tahun={YEAR}&urut=news_total&arah=turun"
    count_queries(client, path)  # warm caches (hosts, content types)
    add_instansi(2)
    few, _ = count_queries(client, path)
    add_instansi(48, start=2)
    many, response = count_queries(client, path)
    assert many == few
    page = response.content.decode()
    assert page.count('data-slug="massal') == 50
    assert "Instansi Massal 049" in page
    assert "<svg" in page  # charts rendered on the server


@pytest.fixture
def render_work(monkeypatch):
    """What one console request does per instansi, counted without timing anything.

    Spies (they call through): every source read (`sources._call`, a live read of another
    area), every snapshot turned into a row (`figures.console_row`) and every schema the
    connection is switched to (django-tenants routes all switches through `set_tenant`).
    """
    from django.db import connections

    from evaluation import figures, sources

    work = {"sources": 0, "rows": 0, "schemas": set()}
    real_call, real_row = sources._call, figures.console_row
    wrapper = connections["default"]
    real_set_tenant = wrapper.set_tenant

    def call(*args, **kwargs):
        work["sources"] += 1
        return real_call(*args, **kwargs)

    def row(*args, **kwargs):
        work["rows"] += 1
        return real_row(*args, **kwargs)

    def set_tenant(tenant, *args, **kwargs):
        work["schemas"].add(tenant.schema_name)
        return real_set_tenant(tenant, *args, **kwargs)

    monkeypatch.setattr(sources, "_call", call)
    monkeypatch.setattr(figures, "console_row", row)
    monkeypatch.setattr(wrapper, "set_tenant", set_tenant)

    def reset():
        work.update(sources=0, rows=0, schemas=set())
        return work

    return reset


def test_console_renders_each_instansi_from_its_snapshot_only(render_work):
    """Deterministic stand-in for "render time does not grow beyond the snapshot read": per
    instansi the console does exactly one thing, turn its stored snapshot into one table
    row; it never reads a source live or enters an instansi's schema, whatever the count.
    (Timings belong in benchmarks/, never in tests.)"""
    client = login_client("diskominfo")
    # 100 rows a page: every instansi of the test on one page (50 a page by default)
    path = f"/console/?tahun={YEAR}&urut=news_total&arah=turun&per=100"
    count_queries(client, path)  # warm caches (hosts, content types)
    observed = {}
    for total, start in ((5, 0), (50, 5)):
        add_instansi(total - start, start=start)
        served = Instansi.objects.served().filter(is_active=True).count()
        work = render_work()
        queries, response = count_queries(client, path)
        page = response.content.decode()
        assert page.count('data-slug="') == served  # one row per instansi, none twice
        assert page.count('data-slug="massal') == total
        assert work["rows"] == served  # each snapshot read into a row exactly once
        assert work["sources"] == 0  # no live figures: the snapshot is all that is read
        assert work["schemas"] <= {"diskominfo", "public"}  # no instansi schema entered
        observed[total] = queries
    assert observed[5] == observed[50]


def test_console_filters_and_sorts():
    add_instansi(5)
    client = login_client("diskominfo")
    page = client.get(f"/console/?tahun={YEAR}&q=Massal 004").content.decode()
    assert page.count('data-slug="massal') == 1
    page = client.get(f"/console/?tahun={YEAR}&status=submitted").content.decode()
    assert page.count('data-slug="massal') == 2  # rows 0 and 3
    page = client.get(
        f"/console/?tahun={YEAR}&urut=news_total&arah=turun&q=Massal"
    ).content.decode()
    assert page.index("massal004") < page.index("massal000")
