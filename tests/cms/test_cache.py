"""Public pages are cached per tenant and dropped when a page is published or unpublished."""

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from cms.caching import generation, pages
from cms.models import IdentitySettings
from tests.conftest import login_client

from .factories import make_news

pytestmark = pytest.mark.django_db


def test_publish_invalidates_the_cached_index(humas_client, django_capture_on_commit_callbacks):
    assert humas_client.get("/berita/")[pages.CACHE_HEADER] == "miss"
    assert humas_client.get("/berita/")[pages.CACHE_HEADER] == "hit"
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        page = make_news(title="Baru saja terbit")
    response = humas_client.get("/berita/")
    assert response[pages.CACHE_HEADER] == "miss"
    assert "Baru saja terbit" in response.content.decode()
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert "Baru saja terbit" not in humas_client.get("/berita/").content.decode()


def test_cache_is_per_tenant(humas_client, dinkes_client):
    humas = humas_client.get("/").content.decode()
    dinkes = dinkes_client.get("/").content.decode()
    assert humas != dinkes
    assert "Dinas Kesehatan" in dinkes_client.get("/").content.decode()
    assert "Dinas Kesehatan" not in humas_client.get("/").content.decode()


def test_visitors_with_a_session_are_never_served_from_cache(humas_client):
    humas_client.get("/berita/")
    admin = login_client("humas")
    response = admin.get("/berita/")
    assert response.status_code == 200
    assert pages.CACHE_HEADER not in response


def test_posts_and_pages_with_csrf_tokens_are_not_cached():
    client = Client(HTTP_HOST="humas.localhost")
    assert pages.CACHE_HEADER not in client.post("/berita/")
    login = client.get("/admin/login/")
    assert pages.CACHE_HEADER not in login


def test_identity_change_invalidates(humas_client, django_capture_on_commit_callbacks):
    humas_client.get("/identitas.css")
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        identity = IdentitySettings.objects.get()
        identity.primary_colour = "#8E2430"
        identity.full_clean()
        identity.save()
    assert "#8E2430" in humas_client.get("/identitas.css").content.decode()


def test_cache_outage_degrades_to_uncached_pages(humas_client, monkeypatch):
    """With Redis away (django-redis ignores its errors: every read misses) pages still render."""
    from django.core.cache.backends.dummy import DummyCache

    dummy = DummyCache("dummy", {})
    monkeypatch.setattr(generation, "cache", dummy)
    monkeypatch.setattr(pages, "cache", dummy)
    for _ in range(2):
        response = humas_client.get("/berita/")
        assert response.status_code == 200
        assert response.get(pages.CACHE_HEADER) != "hit"


def test_official_account_change_invalidates_home(humas_client, django_capture_on_commit_callbacks):
    from tests.registry.factories import make_account, make_decree

    assert "Akun Cache Uji" not in humas_client.get("/").content.decode()
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        make_account(
            make_decree(), url="https://instagram.com/akuncacheuji", display_name="Akun Cache Uji"
        )
    assert "Akun Cache Uji" in humas_client.get("/").content.decode()


def test_publishing_inside_an_open_transaction_is_seen_at_once(humas_client):
    """Without waiting for the commit (tests of other apps never commit): no stale page."""
    assert "Tanpa menunggu commit" not in humas_client.get("/berita/").content.decode()
    with schema_context("humas"):
        make_news(title="Tanpa menunggu commit")
    assert "Tanpa menunggu commit" in humas_client.get("/berita/").content.decode()


def test_sweep_drops_a_cache_that_outlived_a_lost_invalidation():
    """A publish whose invalidation never reached Redis is caught by the periodic sweep."""
    from django.core.cache import cache as django_cache
    from wagtail.models import PageLogEntry

    from cms.models import HomePage

    with schema_context("humas"):
        django_cache.set(generation.GENERATION_KEY, 1, timeout=None)  # as before the outage
        home = HomePage.objects.get()
        PageLogEntry.objects.log_action(instance=home, action="wagtail.publish")
        assert generation.reconcile() is True
        assert django_cache.get(generation.GENERATION_KEY) > 1
        assert generation.reconcile() is False  # nothing newer than the new generation


def test_generation_moved_by_another_process_is_seen(humas_client):
    """The page and the generation this process saw last come in one round trip; a newer
    generation (set by another process) is never answered with the page stored under the old."""
    import time

    from django.core.cache import cache as django_cache

    assert humas_client.get("/berita/")[pages.CACHE_HEADER] == "miss"
    assert humas_client.get("/berita/")[pages.CACHE_HEADER] == "hit"
    with schema_context("humas"):
        django_cache.set(generation.GENERATION_KEY, time.time_ns(), timeout=None)
    assert humas_client.get("/berita/")[pages.CACHE_HEADER] == "miss"
    assert humas_client.get("/berita/")[pages.CACHE_HEADER] == "hit"


def test_shared_pages_tell_the_caches_in_front_how_long_they_may_keep_them(humas_client):
    for expected in ("miss", "hit"):
        response = humas_client.get("/berita/")
        assert response[pages.CACHE_HEADER] == expected
        assert response["Cache-Control"] == pages.SHARED_CACHE_CONTROL
    # A view's own rule stands, on the hit too.
    for _ in range(2):
        assert humas_client.get("/identitas.css")["Cache-Control"] == "public, max-age=300"


def test_personal_pages_carry_no_shared_cache_rule():
    admin = login_client("humas")
    assert "s-maxage" not in admin.get("/berita/").get("Cache-Control", "")
    client = Client(HTTP_HOST="humas.localhost")
    assert "s-maxage" not in client.get("/admin/login/").get("Cache-Control", "")
    assert "s-maxage" not in client.get("/tanya/").get("Cache-Control", "")


def test_sweep_keeps_the_cache_when_only_the_inbox_or_sign_in_changed():
    """An answered inquiry, a sign-in limit or a new API token shows on no cached page: the
    sweep leaves the pages; an instansi change (its name on every page) drops them."""
    import time

    from django.core.cache import cache as django_cache

    from core.audit import audit_record
    from tenants.models import Instansi

    with schema_context("humas"):
        cached_since = time.time_ns()
        django_cache.set(generation.GENERATION_KEY, cached_since, timeout=None)
        humas = Instansi.objects.get(schema_name="humas")
        for object_type in ("inbox.Inquiry", "inbox.Referral", "auth.User", "tenants.ApiToken"):
            audit_record(actor=None, action="uji", object_type=object_type, instansi=humas)
        assert generation.reconcile() is False
        assert django_cache.get(generation.GENERATION_KEY) == cached_since
        audit_record(actor=None, action="uji", obj=humas, instansi=humas)
        assert generation.reconcile() is True
