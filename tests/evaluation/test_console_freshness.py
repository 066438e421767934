"""Console freshness: each row says its snapshot's age; changed instansi refresh within a minute."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from evaluation import selectors, services, tasks
from evaluation.models import InstansiSnapshot
from tenants.models import Instansi
from tests.conftest import login_client

from .factories import seed_inbox, seed_registry

pytestmark = pytest.mark.django_db


def _years() -> list[int]:
    today = timezone.localdate()
    return sorted({today.year, selectors.open_reporting_year(today)})


def _refresh_everything() -> None:
    for inst in Instansi.objects.active():
        for year in _years():
            services.snapshot_refresh(instansi=inst, year=year)


def _clear_marks() -> None:
    with schema_context(get_public_schema_name()):
        for inst in Instansi.objects.active():
            for year in _years():
                cache.delete(tasks.snapshot_queued_key(inst.pk, year))


def test_each_row_says_how_fresh_its_snapshot_is(instansi):
    year = timezone.localdate().year
    services.snapshot_refresh(instansi=instansi["humas"], year=year)
    InstansiSnapshot.objects.filter(instansi=instansi["humas"], year=year).update(
        refreshed_at=timezone.now() - dt.timedelta(minutes=3, seconds=10)
    )
    services.snapshot_refresh(instansi=instansi["dinkes"], year=year)
    InstansiSnapshot.objects.filter(instansi=instansi["dinkes"], year=year).update(
        refreshed_at=timezone.now() - dt.timedelta(minutes=11)
    )
    page = login_client("diskominfo").get(f"/console/?tahun={year}").content.decode()
    assert "diperbarui 3 menit lalu" in page
    assert "diperbarui 11 menit lalu" in page
    assert 'class="freshness stale"' in page  # older than 10 minutes is marked
    assert "baris lebih dari 10 menit" in page


def test_freshness_words():
    now = timezone.now()
    assert selectors.freshness(None, now=now) == "belum pernah diperbarui"
    assert selectors.freshness(now - dt.timedelta(seconds=20), now=now) == "diperbarui baru saja"
    assert selectors.freshness(now - dt.timedelta(hours=2), now=now) == "diperbarui 2 jam lalu"
    assert selectors.freshness(now - dt.timedelta(days=3), now=now) == "diperbarui 3 hari lalu"


def test_only_instansi_whose_sources_changed_are_stale(instansi):
    year = timezone.localdate().year
    _refresh_everything()
    assert tasks.stale_snapshots() == []

    # A new inquiry (public schema) makes humas stale; dinkes stays fresh.
    seed_inbox(
        instansi["humas"], instansi["dinkes"], year=year, comments=2, questions=1, referred=0
    )
    stale = tasks.stale_snapshots()
    assert (instansi["humas"].pk, year) in stale
    assert all(pk == instansi["humas"].pk for pk, _ in stale)

    # The one-instansi refresh brings its figures up to date and it is fresh again.
    assert tasks.refresh_instansi_snapshot(instansi["humas"].pk, year) is True
    for pk, y in tasks.stale_snapshots():
        tasks.refresh_instansi_snapshot(pk, y)
    snap = InstansiSnapshot.objects.get(instansi=instansi["humas"], year=year)
    assert snap.data["inbox"]["received"] >= 3
    assert tasks.stale_snapshots() == []

    # A change in an instansi's own schema (the registry) is seen too.
    seed_registry("dinkes", year=year, followers=[120])
    assert {pk for pk, _ in tasks.stale_snapshots()} == {instansi["dinkes"].pk}


def test_an_instansi_without_a_snapshot_is_stale(instansi):
    InstansiSnapshot.objects.filter(instansi=instansi["humas"]).delete()
    year = timezone.localdate().year
    assert (instansi["humas"].pk, year) in tasks.stale_snapshots()


def test_beat_sends_one_task_per_changed_instansi_once(instansi):
    year = timezone.localdate().year
    _refresh_everything()
    _clear_marks()
    assert tasks.refresh_changed_snapshots() == 0
    seed_inbox(
        instansi["dinkes"], instansi["humas"], year=year, comments=1, questions=0, referred=0
    )
    expected = len(tasks.stale_snapshots())
    assert expected >= 1
    assert tasks.refresh_changed_snapshots() == expected  # sent to the broker
    assert tasks.refresh_changed_snapshots() == 0  # not sent twice while waiting
    for pk, y in tasks.stale_snapshots():
        tasks.refresh_instansi_snapshot(pk, y)  # what the worker runs; clears the mark
    assert tasks.stale_snapshots() == []
    assert tasks.refresh_changed_snapshots() == 0
    _clear_marks()
