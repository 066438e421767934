"""The portal's RSS and Atom feeds of the regency's news (from its latest-news index)."""

import feedparser
import pytest
from django_tenants.utils import schema_context

from .factories import make_news

pytestmark = pytest.mark.django_db


def _feed(client, kind: str):
    response = client.get(f"/berita/{kind}/")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_feeds_carry_news_of_every_instansi_and_follow_unpublish(
    portal_client, django_capture_on_commit_callbacks
):
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        humas_news = make_news(title="Upacara hari jadi kabupaten", tagar="#HariJadi")
    with schema_context("dinkes"), django_capture_on_commit_callbacks(execute=True):
        make_news(title="Imunisasi serentak", category="isu", tagar="#Imunisasi")

    rss = _feed(portal_client, "rss")
    assert rss.version == "rss20"
    assert rss.feed.title == "Berita Kabupaten Simpul"
    assert rss.feed.language == "id"
    entries = {e.title: e for e in rss.entries}
    assert {"Upacara hari jadi kabupaten", "Imunisasi serentak"} <= set(entries)
    upacara = entries["Upacara hari jadi kabupaten"]
    assert upacara.link.startswith("http://humas.localhost")
    assert upacara.link.endswith(f"/berita/{humas_news.slug}/")
    assert upacara.published_parsed is not None
    assert {t.term for t in entries["Imunisasi serentak"].tags} >= {"#Imunisasi"}

    atom = _feed(portal_client, "atom")
    assert atom.version == "atom10"
    atom_entries = {e.title: e for e in atom.entries}
    assert atom_entries["Imunisasi serentak"].link.startswith("http://dinkes.localhost")
    assert atom_entries["Imunisasi serentak"].author == "Dinkes"

    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        humas_news.unpublish()
    titles = [e.title for e in _feed(portal_client, "rss").entries]
    assert "Upacara hari jadi kabupaten" not in titles
    assert "Imunisasi serentak" in titles


@pytest.mark.parametrize("path", ["/", "/cari/", "/kinerja/", "/tanya/", "/lacak/"])
def test_portal_pages_advertise_the_feeds(portal_client, path):
    html = portal_client.get(path).content.decode()
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Berita Kabupaten Simpul (RSS)" '
        'href="/berita/rss/">' in html
    )
    assert '<link rel="alternate" type="application/atom+xml"' in html


def test_feed_keeps_its_size(portal_client, django_capture_on_commit_callbacks):
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        for n in range(22):
            make_news(title=f"Berita umpan {n}")
    assert len(_feed(portal_client, "rss").entries) == 20
