"""The news index and the portal run a fixed number of queries however many items they show;
a visitor the page caches cannot serve (with a session) costs only what the tenant memo does
not hold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from cms.caching import generation, pages
from cms.models import NewsPage

from .factories import make_image, make_news

pytestmark = pytest.mark.django_db


def _count(client, path: str, slug: str | None) -> int:
    if slug:
        with schema_context(slug):
            generation.invalidate()  # measure a real render, not a cache hit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert response.get(pages.CACHE_HEADER) != "hit"
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
    # Right after a publish: the page's own reads and the tenant memo read again (site,
    # sections, identity, restrictions).
    assert many <= 11


# With the tenant memo warm: what the page itself reads, nothing of the site around it.
UNCACHED_QUERIES = {
    "/": 0,  # home: sections, identity, accounts and latest news are the site's (memo)
    "/berita/": 3,  # count, page of news, their card renditions
    "/berita/?tagar=Uji": 3,
    "/berita/rss/": 3,  # the feed reads its identity itself (cms.feeds)
    "/profil/": 0,
    "/kontak/": 0,
    "/identitas.css": 0,
    "news": 0,  # the news page found by its address: the memo until the next publish
}


@pytest.mark.parametrize("path", list(UNCACHED_QUERIES))
def test_uncached_pages_read_only_their_own_rows(path, django_capture_on_commit_callbacks):
    from tests.conftest import tenant_client

    _add_news(3, django_capture_on_commit_callbacks)
    if path == "news":
        with schema_context("humas"):
            path_to_get = NewsPage.objects.live().order_by("-id").first().url
    else:
        path_to_get = path
    client = tenant_client("humas")
    client.cookies["sessionid"] = "no-such-session"  # bypasses both page caches
    for _ in range(2):  # the first request reads the memo and makes renditions
        assert client.get(path_to_get).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path_to_get)
    assert response.status_code == 200 and pages.CACHE_HEADER not in response
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([q for q in sql if q.startswith("SET ")]) <= 1  # with the first query, if any
    reads = [q for q in sql if not q.startswith("SET ")]
    assert len(reads) <= UNCACHED_QUERIES[path], reads


def test_content_types_are_looked_up_once_per_instansi(django_capture_on_commit_callbacks):
    """Kept per schema across requests for other instansi (django-tenants clears one cache
    for all schemas on every switch), never mixed between schemas."""
    from django.contrib.contenttypes.models import ContentType

    from tests.conftest import tenant_client

    humas, dinkes = tenant_client("humas"), tenant_client("dinkes")
    for client in (humas, dinkes, humas, dinkes):
        client.cookies["sessionid"] = "no-such-session"
        assert client.get("/cari/?q=berita").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert humas.get("/cari/?q=berita").status_code == 200
        assert dinkes.get("/cari/?q=berita").status_code == 200
    content_type_reads = [q for q in queries.captured_queries if "django_content_type" in q["sql"]]
    assert content_type_reads == []
    # Each schema's cached content types are that schema's rows (ids differ between the
    # public schema and an instansi's), whichever schema filled the cache first.
    with schema_context("humas"):
        ids = list(ContentType.objects.values_list("pk", flat=True))
        humas_rows = {
            ct.pk: (ct.app_label, ct.model) for ct in map(ContentType.objects.get_for_id, ids)
        }
    connection.set_schema_to_public()
    public_rows = dict(
        (pk, (app_label, model))
        for pk, app_label, model in ContentType.objects.values_list("pk", "app_label", "model")
    )
    for pk in set(ids) & set(public_rows):
        ct = ContentType.objects.get_for_id(pk)
        assert (ct.app_label, ct.model) == public_rows[pk]
    with schema_context("humas"):
        for pk, row in humas_rows.items():
            ct = ContentType.objects.get_for_id(pk)
            assert (ct.app_label, ct.model) == row


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
        generation.invalidate()
    first = humas_client.get("/berita/")
    assert first[pages.CACHE_HEADER] == "miss"
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as queries:
        second = humas_client.get("/berita/")
    assert second[pages.CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert len(queries) <= 1  # at most the host lookup
