"""The tenant memo (cms.caching.memo.tenant_memo) serves every request, with a session too: whatever
it holds is dropped by the change that makes it stale, at once."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django_tenants.utils import schema_context
from wagtail.models import PageViewRestriction

from cms.caching import generation, memo, pages
from cms.models import HomePage, IdentitySettings, NewsIndexPage, StandardPage
from tests.conftest import tenant_client

from .factories import make_image, make_news

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_client():
    """A visitor with a session cookie: both page caches are bypassed, the memo is not."""
    client = tenant_client("humas")
    client.cookies["sessionid"] = "no-such-session"
    return client


def _html(client, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert pages.CACHE_HEADER not in response
    return response.content.decode()


def test_published_news_reaches_the_home_page_at_once(session_client):
    assert "Terbit untuk sesi" not in _html(session_client)
    with schema_context("humas"):
        page = make_news(title="Terbit untuk sesi")
    assert "Terbit untuk sesi" in _html(session_client)
    with schema_context("humas"):
        page.unpublish()
    assert "Terbit untuk sesi" not in _html(session_client)


def test_news_page_edit_and_unpublish_are_seen_at_once(session_client):
    with schema_context("humas"):
        page = make_news(title="Judul pertama", image=make_image())
        url = page.url
    assert "Judul pertama" in _html(session_client, url)
    with schema_context("humas"):
        page.title = "Judul yang diperbaiki"
        page.save_revision().publish()
    html = _html(session_client, url)
    assert "Judul yang diperbaiki" in html and "Judul pertama" not in html
    with schema_context("humas"):
        page.unpublish()
    assert session_client.get(url).status_code == 404


def test_news_page_asked_for_before_it_exists_is_served_once_published(session_client):
    assert session_client.get("/berita/belum-terbit/").status_code == 404
    with schema_context("humas"):
        make_news(title="Akhirnya terbit", slug="belum-terbit")
    assert "Akhirnya terbit" in _html(session_client, "/berita/belum-terbit/")


def test_memo_drops_the_least_recently_used_entry(monkeypatch):
    monkeypatch.setattr(memo, "MEMO_MAX_ENTRIES", 2)
    calls = []

    def build(name):
        calls.append(name)
        return name

    with schema_context("humas"), memo.memo_scope(_request()):
        memo.tenant_memo("a", lambda: build("a"))
        memo.tenant_memo("b", lambda: build("b"))
        memo.tenant_memo("a", lambda: build("a"))  # a used again: b is the oldest now
        memo.tenant_memo("c", lambda: build("c"))  # b dropped
        memo.tenant_memo("a", lambda: build("a"))
        memo.tenant_memo("b", lambda: build("b"))
    assert calls == ["a", "b", "c", "b"]


def test_memo_holds_its_byte_budget_with_large_values(monkeypatch):
    monkeypatch.setattr(memo, "MEMO_MAX_BYTES", 1_000_000)
    calls = []

    def build(name, size):
        calls.append(name)
        return name[0] * size  # a rendered fragment of `size` characters

    with schema_context("humas"), memo.memo_scope(_request()):
        for name in ("a", "b", "c"):
            memo.tenant_memo(name, lambda name=name: build(name, 300_000))
        memo.tenant_memo("a", lambda: build("a", 300_000))  # a used again: b is the oldest
        memo.tenant_memo("d", lambda: build("d", 300_000))  # 1.2 MB would not fit: b dropped
        assert memo._memo_bytes <= memo.MEMO_MAX_BYTES
        assert len(memo._memo) == 3
        for name in ("a", "c", "d"):  # still served from the memo
            memo.tenant_memo(name, lambda name=name: build(name, 300_000))
        memo.tenant_memo(
            "b", lambda: build("b", 300_000)
        )  # built again, a (the oldest now) dropped
        # A value larger than the whole budget is served but never kept.
        memo.tenant_memo("huge", lambda: build("huge", 2_000_000))
        memo.tenant_memo("huge", lambda: build("huge", 2_000_000))
        assert memo._memo_bytes <= memo.MEMO_MAX_BYTES
        # Objects count by their pickled size, and a value replaced counts once.
        memo.tenant_memo("rows", lambda: [build("rows", 100_000)] * 1)
        assert memo._memo_bytes == sum(entry[3] for entry in memo._memo.values())
    assert calls == ["a", "b", "c", "d", "b", "huge", "huge", "rows"]
    assert memo._memo_bytes <= memo.MEMO_MAX_BYTES


def test_identity_change_reaches_every_page_at_once(session_client):
    assert "Nama Baru Humas" not in _html(session_client, "/kontak/")
    with schema_context("humas"):
        identity = IdentitySettings.objects.get()
        identity.name = "Nama Baru Humas"
        identity.save()
    for path in ("/", "/kontak/", "/berita/"):
        assert "Nama Baru Humas" in _html(session_client, path)


def test_memo_is_per_instansi():
    for slug, name in (("humas", "Bagian Humas dan Protokol Setda"), ("dinkes", "Dinas Kesehatan")):
        client = tenant_client(slug)
        client.cookies["sessionid"] = "no-such-session"
        for _ in range(2):
            html = _html(client)
            assert name in html
    client = tenant_client("humas")
    client.cookies["sessionid"] = "no-such-session"
    assert "Dinas Kesehatan" not in _html(client)


def test_private_page_is_private_at_once_and_leaves_the_lists(session_client):
    with schema_context("humas"):
        page = make_news(title="Berita yang dirahasiakan")
        url = page.url
    assert "Berita yang dirahasiakan" in _html(session_client, url)
    assert "Berita yang dirahasiakan" in _html(session_client, "/berita/")
    assert "Berita yang dirahasiakan" in _html(session_client)
    with schema_context("humas"):
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.LOGIN
        )
    response = session_client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert "Berita yang dirahasiakan" not in _html(session_client, "/berita/")
    assert "Berita yang dirahasiakan" not in _html(session_client)
    with schema_context("humas"):
        restriction.delete()
    assert "Berita yang dirahasiakan" in _html(session_client, url)


def test_new_section_is_routed_at_once(session_client):
    assert session_client.get("/layanan-baru/").status_code == 404
    with schema_context("humas"):
        home = HomePage.objects.get()
        section = StandardPage(title="Layanan Baru", slug="layanan-baru", intro="Bagian baru.")
        home.add_child(instance=section)
        section.save_revision().publish()
    assert "Bagian baru." in _html(session_client, "/layanan-baru/")


def test_moved_news_index_is_routed_at_its_new_address(session_client):
    with schema_context("humas"):
        page = make_news(title="Berita di alamat baru")
    assert "Berita di alamat baru" in _html(session_client, "/berita/")
    with schema_context("humas"):
        index = NewsIndexPage.objects.get()
        index.slug = "kabar"
        index.save_revision().publish()
        url = page.specific_class.objects.get(pk=page.pk).url
    assert url.startswith("/kabar/")
    assert session_client.get("/berita/").status_code == 404
    assert "Berita di alamat baru" in _html(session_client, "/kabar/")
    assert "Berita di alamat baru" in _html(session_client, url)


def test_image_change_moves_the_generation_on():
    with schema_context("humas"):
        image = make_image("Logo lama")
        before = generation.current_generation()
        image.focal_point_x, image.focal_point_y = 10, 10
        image.focal_point_width, image.focal_point_height = 5, 5
        image.save()
        assert generation.current_generation() != before


def _request():
    request = RequestFactory().get("/", HTTP_HOST="humas.localhost")
    request.COOKIES["sessionid"] = "x"
    return request


def test_memo_shares_a_value_within_its_generation_only():
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    with schema_context("humas"):
        with memo.memo_scope(_request()):
            assert memo.tenant_memo("uji", build) == 1
        with memo.memo_scope(_request()):
            assert memo.tenant_memo("uji", build) == 1  # another request, same generation
        generation.invalidate()
        with memo.memo_scope(_request()):
            assert memo.tenant_memo("uji", build) == 2
        assert memo.tenant_memo("uji", build) == 3  # outside a request: never shared


def test_memo_keeps_nothing_read_inside_a_transaction_by_default(monkeypatch):
    """Production requests run outside transactions; inside one, a read may be uncommitted."""
    monkeypatch.setattr(memo, "memo_in_transactions", False)
    calls = []
    with schema_context("humas"), memo.memo_scope(_request()):
        memo.tenant_memo("uji", lambda: calls.append(1))
        memo.tenant_memo("uji", lambda: calls.append(1))
    assert len(calls) == 2


def test_memo_entries_expire(monkeypatch):
    monkeypatch.setattr(memo, "MEMO_SECONDS", 0.0)
    calls = []
    with schema_context("humas"), memo.memo_scope(_request()):
        memo.tenant_memo("uji", lambda: calls.append(1))
        memo.tenant_memo("uji", lambda: calls.append(1))
    assert len(calls) == 2


class _RedisDown:
    """What django-redis answers with IGNORE_EXCEPTIONS while Redis is unreachable."""

    def get(self, *args, **kwargs):
        return None

    add = set = get


def test_memo_without_redis_reads_every_time(monkeypatch, session_client):
    monkeypatch.setattr(generation, "cache", _RedisDown())
    calls = []
    with schema_context("humas"), memo.memo_scope(_request()):
        memo.tenant_memo("uji", lambda: calls.append(1))
        memo.tenant_memo("uji", lambda: calls.append(1))
    assert len(calls) == 2
    assert "Bagian Humas dan Protokol Setda" in _html(session_client)


def test_img_tag_renders_what_wagtails_image_tag_renders():
    with schema_context("humas"):
        image = make_image("Foto pembanding")
        context = Context({"image": image, "alt": "Teks & alt"})
        ours = Template(
            '{% load cms_tags %}{% img image "fill-640x360" alt=alt class="news-card-image" %}'
            '|{% rendition image "max-600x600" as r %}{{ r.url }}'
        ).render(context)
        wagtails = Template(
            '{% load wagtailimages_tags %}{% image image fill-640x360 alt=alt class="news-card-image" %}'
            "|{% image image max-600x600 as r %}{{ r.url }}"
        ).render(context)
    assert ours == wagtails
    assert 'alt="Teks &amp; alt"' in ours


def test_img_tag_of_an_image_without_file_renders_not_found():
    with schema_context("humas"):
        image = make_image("Foto hilang")
        image.file.storage.delete(image.file.name)
        html = Template('{% load cms_tags %}{% img image "width-960" alt="" %}').render(
            Context({"image": image})
        )
    assert "not-found" in html


def _shared_template():
    return Template('{% load cms_tags %}{% shared "uji" value %}{{ counter.next }}{% endshared %}')


class _Counter:
    def __init__(self):
        self.count = 0

    def next(self):
        self.count += 1
        return self.count


def _render_shared(request, value="a", counter=None):
    return _shared_template().render(
        Context({"request": request, "value": value, "counter": counter})
    )


def test_shared_fragment_is_rendered_once_per_generation_host_and_value():
    counter = _Counter()
    with schema_context("humas"):
        with memo.memo_scope(_request()):
            assert _render_shared(_request(), counter=counter) == "1"
        with memo.memo_scope(_request()):  # the next request reuses it
            assert _render_shared(_request(), counter=counter) == "1"
            assert _render_shared(_request(), value="b", counter=counter) == "2"
            other_host = RequestFactory().get("/", HTTP_HOST="www.humas.localhost")
            assert _render_shared(other_host, counter=counter) == "3"
        generation.invalidate()  # a publish
        with memo.memo_scope(_request()):
            assert _render_shared(_request(), counter=counter) == "4"


def test_shared_fragment_outside_a_page_request_or_in_a_preview_renders_every_time():
    counter = _Counter()
    with schema_context("humas"):
        assert _render_shared(_request(), counter=counter) == "1"
        assert _render_shared(_request(), counter=counter) == "2"
        preview = _request()
        preview.is_preview = True
        with memo.memo_scope(preview):
            assert _render_shared(preview, counter=counter) == "3"
            assert _render_shared(preview, counter=counter) == "4"


def test_shared_fragment_needs_a_name():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template("{% load cms_tags %}{% shared %}x{% endshared %}")


def test_pages_rendered_from_shared_fragments_match_a_full_render(session_client):
    """The second render of each page (its fragments from the memo) is the first one's HTML."""
    with schema_context("humas"):
        url = make_news(title="Berita bagian bersama", image=make_image()).url
    for path in ("/", url, "/kontak/"):
        first = _html(session_client, path)
        assert _html(session_client, path) == first
    assert "Berita bagian bersama" in _html(session_client, url)
