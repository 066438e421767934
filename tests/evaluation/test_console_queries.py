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
