"""Redis stopped while citizens submit inquiries and editors publish: nothing lost, no 5xx,
and the notifications catch up once Redis is back.

The Redis here is a throwaway `redis-server` (cache and broker of a throwaway app server on
the test database); the machine's shared Redis is never touched. Citizens write through the
instansi's inquiry form and the API, an editor signs in and publishes a news page through the
Wagtail admin, all while that Redis is dead.
"""

import contextlib
import re
import time
import uuid

import pytest
import requests
from bs4 import BeautifulSoup
from django.db import connection

from tests.conftest import TEST_PASSWORD, _test_database_url

from . import harness

pytestmark = pytest.mark.worker

SLOW_SECONDS = 15  # a request that hangs on the dead Redis would be a failure too


@pytest.fixture
def site(django_db_setup, django_db_blocker):
    """A committed throwaway instansi with an API token and its news section's page id."""
    from django_tenants.utils import schema_context

    from cms.selectors import news_index_page
    from tenants.services import api_token_create, instansi_provision

    slug = f"rd{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock():
        try:
            instansi = instansi_provision(
                slug=slug,
                name="Dinas Uji Redis",
                admin_email=f"admin@{slug}.localhost",
                admin_password=TEST_PASSWORD,
            ).instansi
            _, key = api_token_create(instansi=instansi, name="uji-redis")
            with schema_context(slug):
                news_index_id = news_index_page().pk
            connection.set_schema_to_public()
            yield {"slug": slug, "host": f"{slug}.localhost", "token": key, "news": news_index_id}
        finally:
            connection.set_schema_to_public()
            harness.purge_instansi([slug])


def _timed(call, *args, **kwargs) -> requests.Response:
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < SLOW_SECONDS, f"{response.request.method} {response.url} took {elapsed:.1f} s"
    assert response.status_code < 500, (response.url, response.status_code, response.text[:300])
    return response


def _submit_form(base: str, host: str, n: int) -> str:
    """A citizen fills in the instansi's public form; returns the tracking code."""
    session = requests.Session()
    session.headers["Host"] = host
    page = _timed(session.get, f"{base}/tanya/", timeout=30)
    assert page.status_code == 200
    token = BeautifulSoup(page.text, "html.parser").find("input", {"name": "csrfmiddlewaretoken"})
    response = _timed(
        session.post,
        f"{base}/tanya/",
        data={
            "csrfmiddlewaretoken": token["value"],
            "kind": "pertanyaan",
            "body": f"Pertanyaan warga nomor {n} saat Redis mati",
            "citizen_name": f"Warga {n}",
            "citizen_contact": f"warga{n}@example.org",
            "situs_web": "",
        },
        headers={"Referer": f"http://{host}/tanya/"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return re.search(r"/lacak/([^/]+)/", response.headers["Location"]).group(1)


def _submit_api(base: str, site: dict, n: int) -> str:
    response = _timed(
        requests.post,
        f"{base}/api/v1/inquiries/",
        headers={"Host": site["host"], "Authorization": f"Token {site['token']}"},
        json={"kind": "saran", "body": f"Saran lewat aplikasi nomor {n}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.json()["tracking_code"]


def _wait_sent(django_db_blocker, codes: list[str], log, seconds: float = 60) -> None:
    from inbox.models import Notification

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with django_db_blocker.unblock():
            left = Notification.objects.filter(
                inquiry__tracking_code__in=codes, sent_at=None
            ).count()
        if not left:
            return
        time.sleep(0.3)
    raise AssertionError(f"{left} notices still unsent: {log.read_text()[-2000:]}")


@pytest.mark.parametrize("fault", ["dead", "hung"])
def test_redis_down_nothing_lost_and_notifications_catch_up(
    fault, site, tmp_path, django_db_blocker
):
    """`dead`: the Redis process is killed, then a new one starts (empty). `hung`: it is
    stopped (SIGSTOP: connections accepted, never answered), then continues with its data."""
    from cms.models import NewsPage
    from cms.portal.models import PortalNewsItem
    from inbox.models import Inquiry, Notification

    smtp = harness.FakeSmtp()
    smtp.stall = False
    with contextlib.closing(smtp), harness.redis_server() as redis:
        env = harness.app_env(
            DATABASE_URL=_test_database_url(),
            REDIS_URL=redis.url,
            SIMPUL_CACHE_PREFIX=f"rd-{site['slug']}",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
        )
        with harness.app_server(env, tmp_path / "server.log") as server:
            base, host = server.url, site["host"]
            assert harness.get(base + "/", host).status_code == 200
            for _ in range(2):  # the news section is now in the page cache
                assert harness.get(base + "/berita/", host).status_code == 200

            if fault == "dead":
                redis.stop()
            else:
                redis.pause()
            codes = [_submit_form(base, host, n) for n in range(3)]
            codes += [_submit_api(base, site, n) for n in range(3)]
            editor = harness.admin_session(base, host, "admin", TEST_PASSWORD)
            published = _timed(
                harness.publish_news,
                editor,
                base,
                site["news"],
                "Rapat koordinasi saat Redis mati",
                "rapat-redis-mati",
            )
            assert published.status_code == 302, published.text[:500]
            page = _timed(harness.get, base + "/berita/rapat-redis-mati/", host)
            assert page.status_code == 200
            assert "Rapat koordinasi saat Redis mati" in page.text
            for code in codes:  # each citizen can follow their inquiry
                assert _timed(harness.get, f"{base}/lacak/{code}/", host).status_code == 200

            with django_db_blocker.unblock():
                stored = Inquiry.objects.filter(tracking_code__in=codes)
                assert stored.count() == len(codes) == 6
                assert {i.instansi.schema_name for i in stored} == {site["slug"]}
                pending = Notification.objects.filter(inquiry__in=stored)
                assert pending.count() == 6
                assert not pending.exclude(sent_at=None).exists()  # nothing could be queued
                assert PortalNewsItem.objects.filter(
                    instansi__schema_name=site["slug"], title="Rapat koordinasi saat Redis mati"
                ).exists()
            from django_tenants.utils import schema_context

            with django_db_blocker.unblock(), schema_context(site["slug"]):
                assert NewsPage.objects.live().filter(slug="rapat-redis-mati").exists()
            connection.set_schema_to_public()

            # Redis is back: the kernel's periodic outbox sweep (beat entry core-sweep-outbox)
            # runs on a worker and delivers every notice the outage held back, once each.
            if fault == "dead":
                redis.start()
            else:
                redis.resume()
            with harness.celery_worker(env, tmp_path / "worker.log", "sapu"):
                # the app server was not restarted: a new inquiry is queued and delivered again
                late = _submit_api(base, site, 99)
                if fault == "dead":
                    # A hung Redis may still hold half-sent commands of the app's broker
                    # connection; then the sweep below delivers this one, as designed.
                    _wait_sent(django_db_blocker, [late], tmp_path / "worker.log")
                from simpul.celery import app

                from core.tasks import sweep_outbox

                with app.connection_for_write(redis.url) as broker:
                    sweep_outbox.apply_async(kwargs={"older_than_seconds": 0}, connection=broker)
                _wait_sent(django_db_blocker, [*codes, late], tmp_path / "worker.log")
                # An invalidation lost while Redis hung is caught by the page-cache sweep
                # (beat entry cms-page-cache-reconcile, every minute).
                from cms.tasks import page_cache_reconcile_all

                with app.connection_for_write(redis.url) as broker:
                    page_cache_reconcile_all.apply_async(connection=broker)
                assert harness.get(base + "/", host).status_code == 200
                # readers see the page published during the outage, not a cached older list
                deadline = time.monotonic() + 20
                while True:
                    news = harness.get(base + "/berita/", host)
                    stale = "Rapat koordinasi saat Redis mati" not in news.text
                    if not stale or time.monotonic() > deadline:
                        break
                    time.sleep(0.5)

    mails = "\n".join(smtp.messages)
    for code in [*codes, late]:  # one mail per inquiry, not zero, not two
        assert len(re.findall(rf"^Subject: Pesan masuk baru: .*{code}", mails, re.M)) == 1
    with django_db_blocker.unblock():
        assert all(
            n.attempts == 1 for n in Notification.objects.filter(inquiry__tracking_code__in=codes)
        )
    assert not stale, "the news list still shows the cache from before the outage"
