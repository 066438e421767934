"""Two instansi saving the same account at the same moment: the public index lets one win.

Each side runs in its own thread with its own database connection and commits for real, so
the race is settled by PostgreSQL (the partial unique constraint on the public directory),
not by the services' friendly pre-check. Committed rows are removed at the end.
"""

import threading
import time
import uuid

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from core.errors import SimpulError
from tenants.models import AccountDirectoryEntry, AuditEntry
from tenants.registry.models import DecreeItem, OfficialAccount, SuratKeputusan
from tenants.registry.services import accounts as account_services
from tests.registry.factories import make_account, make_decree


def _in_thread(fn):
    """Run fn in a fresh thread (its own connection, autocommit) and return its result."""
    box = {}

    def target():
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            box["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if "error" in box:
        raise box["error"]
    return box.get("result")


def _wait_for_lock_waiter(seconds: float = 20.0) -> None:
    """Block until another backend waits on a lock (the rival's INSERT on our unique key)."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # pg_locks is live (pg_stat_activity would be a snapshot inside our transaction).
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the rival save never waited on the directory's unique key")


@pytest.fixture
def committed_decrees(db):
    tag = uuid.uuid4().hex[:8]

    def setup():
        ids = {}
        for slug in ("humas", "dinkes"):
            with schema_context(slug):
                ids[slug] = make_decree(number=f"BALAP/{slug}/{tag}").pk
        return ids

    ids = _in_thread(setup)
    yield ids, tag

    def cleanup():
        for slug in ("humas", "dinkes"):
            with schema_context(slug):
                accounts = OfficialAccount.objects.filter(decree_id=ids[slug])
                account_ids = [str(pk) for pk in accounts.values_list("pk", flat=True)]
                DecreeItem.objects.filter(decree_id=ids[slug]).delete()
                accounts.delete()
                SuratKeputusan.objects.filter(pk=ids[slug]).delete()
                AuditEntry.objects.filter(
                    instansi__schema_name=slug,
                    object_type__startswith="registry.",
                    object_id__in=[*account_ids, str(ids[slug])],
                ).delete()
        AccountDirectoryEntry.objects.filter(url__contains=tag).delete()

    _in_thread(cleanup)


def test_concurrent_saves_of_one_url_from_two_instansi(committed_decrees, monkeypatch):
    ids, tag = committed_decrees
    url = f"https://instagram.com/balapan{tag}"
    humas_inserted = threading.Event()
    outcome: dict[str, object] = {}
    sync = account_services.directory_sync_account

    def sync_then_hold(account, **kwargs):
        sync(account, **kwargs)
        if connection.schema_name == "humas":
            humas_inserted.set()
            # Hold the action's transaction open until dinkes' save is stuck behind our row
            # (an action is always the outermost transaction: no test wraps it in its own).
            _wait_for_lock_waiter()

    monkeypatch.setattr(account_services, "directory_sync_account", sync_then_hold)

    def humas_saves():
        try:
            with schema_context("humas"):
                make_account(ids["humas"], url=url)
            outcome["humas"] = "tersimpan"
        except BaseException as exc:  # noqa: BLE001
            outcome["humas"] = exc
        finally:
            humas_inserted.set()
            connection.close()

    def dinkes_saves():
        humas_inserted.wait(20)
        try:
            with schema_context("dinkes"):
                # Its pre-check cannot see humas' uncommitted row: only the constraint can stop it.
                make_account(ids["dinkes"], url=url.replace("https://", "www."))
            outcome["dinkes"] = "tersimpan"
        except SimpulError as exc:
            outcome["dinkes"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=humas_saves), threading.Thread(target=dinkes_saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert outcome["humas"] == "tersimpan", outcome
    assert isinstance(outcome["dinkes"], SimpulError)
    assert "Bagian Humas dan Protokol Setda" in outcome["dinkes"].message
    rows = AccountDirectoryEntry.objects.filter(url=url)
    assert [(r.instansi.schema_name, r.status) for r in rows] == [("humas", "aktif")]
    with schema_context("dinkes"):
        assert not OfficialAccount.objects.filter(url=url).exists()  # nothing half saved


def test_concurrent_saves_racing_freely_leave_one_owner(committed_decrees):
    ids, tag = committed_decrees
    url = f"https://x.com/rebutan{tag}"
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def save(slug):
        def run():
            barrier.wait(20)
            try:
                with schema_context(slug):
                    make_account(ids[slug], url=url)
                outcome[slug] = "tersimpan"
            except SimpulError as exc:
                outcome[slug] = exc
            finally:
                connection.close()

        return run

    threads = [threading.Thread(target=save(slug)) for slug in ("humas", "dinkes")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    winners = [slug for slug, result in outcome.items() if result == "tersimpan"]
    assert len(winners) == 1
    assert AccountDirectoryEntry.objects.filter(url=url, status="aktif").count() == 1
