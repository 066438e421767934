"""Publishing feeds the portal's latest news and the feed; unpublishing removes it from both."""

import feedparser
import pytest
from django_tenants.utils import schema_context

from cms.portal.models import PortalNewsItem

from .factories import make_image, make_news

pytestmark = pytest.mark.django_db


def _feed(client, kind: str):
    response = client.get(f"/berita/{kind}/")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_publish_then_unpublish(
    humas_client, portal_client, instansi, django_capture_on_commit_callbacks
):
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        page = make_news(
            title="Festival budaya dibuka",
            category="kegiatan",
            tagar="#FestivalBudaya #Sintang",
            image=make_image(),
        )
    item = PortalNewsItem.objects.get(instansi=instansi["humas"], page_id=page.pk)
    assert item.title == "Festival budaya dibuka"
    assert item.tagar == ["#FestivalBudaya", "#Sintang"]
    assert item.url_path == "/berita/" + page.slug + "/"
    assert item.image_path.startswith("images/")

    portal = portal_client.get("/").content.decode()
    assert "Festival budaya dibuka" in portal
    assert "http://humas.localhost" in portal and f"/berita/{page.slug}/" in portal
    titles = [e.title for e in _feed(humas_client, "rss").entries]
    assert "Festival budaya dibuka" in titles
    assert "Festival budaya dibuka" in [e.title for e in _feed(humas_client, "atom").entries]

    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert not PortalNewsItem.objects.filter(page_id=page.pk, instansi=instansi["humas"]).exists()
    assert "Festival budaya dibuka" not in portal_client.get("/").content.decode()
    assert "Festival budaya dibuka" not in [e.title for e in _feed(humas_client, "rss").entries]
    assert humas_client.get(f"/berita/{page.slug}/").status_code == 404


def test_feed_items_carry_link_date_and_categories(humas_client):
    with schema_context("humas"):
        make_news(title="Satu", tagar="#Satu", category="isu")
        make_news(title="Dua", tagar="#Dua", category="kebijakan")
    feed = _feed(humas_client, "rss")
    assert feed.version == "rss20"
    entry = next(e for e in feed.entries if e.title == "Dua")
    assert entry.link.startswith("http://humas.localhost")
    assert entry.published_parsed is not None
    assert {t.term for t in entry.tags} == {"Kebijakan pusat & provinsi", "#Dua"}
    assert _feed(humas_client, "atom").version == "atom10"


def test_sitemap_lists_published_pages_only(humas_client):
    with schema_context("humas"):
        live = make_news(title="Terbit", slug="sudah-terbit")
        make_news(title="Draf", slug="masih-draf", publish=False)
    response = humas_client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/berita/sudah-terbit/" in body
    assert "masih-draf" not in body
    assert "<loc>http://humas.localhost" in body and "/kontak/</loc>" in body
    assert live.slug in body


def test_deleting_a_news_page_removes_it_from_the_portal(
    instansi, django_capture_on_commit_callbacks
):
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        page = make_news(title="Akan dihapus")
    assert PortalNewsItem.objects.filter(page_id=page.pk, instansi=instansi["humas"]).exists()
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert not PortalNewsItem.objects.filter(page_id=page.pk, instansi=instansi["humas"]).exists()


def test_failing_portal_update_never_breaks_publishing(
    monkeypatch, instansi, django_capture_on_commit_callbacks
):
    from cms import services

    def broken(**kwargs):
        raise RuntimeError("portal sedang rusak")

    monkeypatch.setattr(services, "portal_news_upsert", broken)
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        page = make_news(title="Tetap terbit")
    with schema_context("humas"):
        page.refresh_from_db()
        assert page.live
    assert not PortalNewsItem.objects.filter(page_id=page.pk, instansi=instansi["humas"]).exists()
    monkeypatch.undo()
    services.portal_reconcile(schema_name="humas")  # the sweeper catches up
    assert PortalNewsItem.objects.filter(page_id=page.pk, instansi=instansi["humas"]).exists()
