"""The news index and the portal run a fixed number of queries however many items they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from cms import cache

from .factories import make_image, make_news

pytestmark = pytest.mark.django_db


def _count(client, path: str, slug: str | None) -> int:
    if slug:
        with schema_context(slug):
            cache.invalidate()  # measure a real render, not a cache hit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert response.get(cache.CACHE_HEADER) != "hit"
    # django-tenants re-sends `SET search_path` before each query (TENANT_LIMIT_SET_CALLS off);
    # those round trips are counted apart from the real reads.
    return len([q for q in queries.captured_queries if not q["sql"].startswith("SET ")])


def _add_news(count: int, django_capture_on_commit_callbacks) -> None:
    with schema_context("humas"), django_capture_on_commit_callbacks(execute=True):
        for i in range(count):
            make_news(
                title=f"Berita hitung {i}",
                tagar=f"#Hitung{i} #Uji",
                category=("kegiatan", "isu", "kebijakan")[i % 3],
                image=make_image(f"Foto hitung {i}"),
            )


@pytest.mark.parametrize("path", ["/berita/", "/berita/?tagar=Uji", "/", "/berita/rss/"])
def test_news_lists_query_count_is_constant(humas_client, path, django_capture_on_commit_callbacks):
    _add_news(2, django_capture_on_commit_callbacks)
    _count(humas_client, path, "humas")  # renditions are made on the first view
    few = _count(humas_client, path, "humas")
    _add_news(7, django_capture_on_commit_callbacks)
    _count(humas_client, path, "humas")
    many = _count(humas_client, path, "humas")
    assert many == few, f"{path}: {few} queries with 2 items, {many} with 9"
    assert many <= 15


def test_portal_query_count_is_constant(portal_client, django_capture_on_commit_callbacks):
    _add_news(2, django_capture_on_commit_callbacks)
    few = _count(portal_client, "/", None)
    _add_news(7, django_capture_on_commit_callbacks)
    many = _count(portal_client, "/", None)
    assert many == few
    assert many <= 4
    filtered = _count(portal_client, "/?kategori=isu&tagar=Uji&instansi=humas&q=hitung", None)
    assert filtered == few


def test_news_index_is_served_from_cache_without_queries(humas_client):
    with schema_context("humas"):
        make_news(title="Berita tersimpan")
        cache.invalidate()
    first = humas_client.get("/berita/")
    assert first[cache.CACHE_HEADER] == "miss"
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        second = humas_client.get("/berita/")
    assert second[cache.CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert len(queries) <= 1  # at most the host lookup
