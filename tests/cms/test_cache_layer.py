"""The cache layer's boundaries: no page object is shared between requests, every private
Django/Wagtail name it relies on is listed and still there, the content type cache is the
same in every kind of process (cms's import cycles: tests/core/test_import_cycles.py)."""

import ast
import importlib
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django_tenants.utils import schema_context

from cms.caching.internals import PRIVATE_INTERNALS
from cms.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from tests.conftest import tenant_client

from .factories import make_image, make_news

ROOT = Path(__file__).resolve().parents[2]


# -- No page instance is shared between requests ---------------------------------------------


def _visitor(session: str):
    """A visitor with a session of their own: the page caches are bypassed, the tenant memo,
    which serves every request, is not."""
    client = tenant_client("humas")
    client.cookies["sessionid"] = session
    return client


def _leaky(monkeypatch, model, method: str, seen: list):
    """Patch `model.method` so that it notes what an earlier request left on the page object,
    then leaves the visitor's own mark on it (as a route or serve setting `self.x` would)."""
    original = getattr(model, method)

    def leaky(self, request, *args, **kwargs):
        seen.append(getattr(self, "visitor_mark", None))
        self.visitor_mark = request.COOKIES["sessionid"]
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(model, method, leaky)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model, method, path",
    [
        (HomePage, "route", "/"),  # the site's root page, from the memoised site
        (HomePage, "serve", "/"),
        (StandardPage, "serve", "/profil/"),  # a section, from the memoised sections
        (NewsIndexPage, "route", "/berita/"),
        (NewsIndexPage, "serve", "/berita/"),
        (NewsPage, "serve", "news"),  # a news page found by its address, from the memo
    ],
)
def test_what_one_request_sets_on_a_page_never_reaches_the_next(monkeypatch, model, method, path):
    if path == "news":
        with schema_context("humas"):
            path = make_news(title="Berita dua pengunjung", image=make_image()).url
    seen: list = []
    _leaky(monkeypatch, model, method, seen)
    first, second = _visitor("pengunjung-pertama"), _visitor("pengunjung-kedua")
    for client in (first, second, first):
        response = client.get(path)
        assert response.status_code == 200
        assert "X-Simpul-Cache" not in response  # rendered, through the memo
    assert len(seen) >= 3
    assert set(seen) == {None}, f"a page object kept an earlier visitor's mark: {seen}"


@pytest.mark.django_db
def test_pages_from_the_memo_are_copies_with_the_memo_s_values():
    """The copy has the stored page's fields and loaded relations, and no query to get them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms import selectors
    from cms.caching.memo import memo_scope

    with schema_context("humas"):
        news = make_news(title="Berita salinan", image=make_image())
        index = NewsIndexPage.objects.get()
        request = RequestFactory().get("/", HTTP_HOST="humas.localhost")
        request.COOKIES["sessionid"] = "x"
        with memo_scope(request):
            first = selectors.news_page_for_route(index, news.slug)
            with CaptureQueriesContext(connection) as queries:
                second = selectors.news_page_for_route(index, news.slug)
                assert second.image.title == "Foto uji"
                assert second.specific is second
    assert queries.captured_queries == []
    assert first is not second and first.pk == second.pk and second.title == "Berita salinan"
    first.title = "Diubah oleh permintaan pertama"
    assert second.title == "Berita salinan"
    assert second.news_index == index


@pytest.mark.django_db
def test_a_copy_has_its_own_cache_of_related_objects():
    from wagtail.models import Page, Site

    from cms.caching.copies import request_copy

    root, other = Page(title="Akar", path="0001", depth=1), Page(title="Lain", path="0002", depth=1)
    site = Site(hostname="uji.localhost", root_page=root)
    assert site._state.fields_cache["root_page"] is root  # where Django keeps it
    own = request_copy(site)
    assert own.root_page is root and own.hostname == "uji.localhost"
    own.root_page = other
    own.hostname = "lain.localhost"
    assert site.root_page is root and site.hostname == "uji.localhost"


@pytest.mark.django_db
def test_view_restrictions_known_to_be_none_are_read_without_a_query(django_assert_num_queries):
    """Wagtail iterates a page's restrictions on every view: while the instansi has none,
    that costs no query and compiles no SQL; the queryset is Django's all the same."""
    from wagtail.models import PageViewRestriction

    with schema_context("humas"):
        page = StandardPage.objects.get(slug="profil")
        restrictions = page.get_view_restrictions()
        with django_assert_num_queries(0):
            assert list(restrictions) == []
            assert list(restrictions.order_by("-page__depth")) == []
        assert not restrictions.exists() and restrictions.count() == 0
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        assert [r.page_id for r in page.get_view_restrictions()] == [page.pk]


# -- Private Django/Wagtail names: listed, and still there ------------------------------------


def _owner(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("internal", PRIVATE_INTERNALS, ids=lambda i: f"{i.owner}.{i.name}")
def test_each_private_name_still_exists_on_its_class(internal):
    """An attribute or method of the class, or (for what the class keeps on a request or an
    instance) a name its code still reads."""
    owner = _owner(internal.owner)
    sources = {  # the modules of the class and of its bases
        inspect.getsource(sys.modules[cls.__module__])
        for cls in owner.__mro__
        if cls.__module__.split(".")[0] in ("django", "wagtail", "treebeard")
    }
    assert hasattr(owner, internal.name) or any(internal.name in s for s in sources), (
        f"{internal.owner} no longer has {internal.name}: see cms.caching.internals"
    )


@pytest.mark.django_db
def test_wagtail_answers_the_site_and_root_paths_the_memo_primes():
    from wagtail.models import Page, Site

    request = RequestFactory().get("/")
    site, root_paths = object(), [object()]
    request._wagtail_site = site
    request._wagtail_cached_site_root_paths = root_paths
    assert Site.find_for_request(request) is site
    assert Page()._get_site_root_paths(request) is root_paths


def test_content_type_manager_uses_only_what_the_schema_cache_offers():
    """Every way Django's manager touches its `_cache` is one the per-schema cache has."""
    from django.contrib.contenttypes.models import ContentTypeManager

    from core.content_types import SchemaContentTypeCache

    assert isinstance(ContentTypeManager()._cache, dict)
    source = inspect.getsource(ContentTypeManager)
    used = {node.attr for node in ast.walk(ast.parse(source)) if _on_cache(node)}
    if "self._cache[" in source:
        used.add("__getitem__")
    assert used, "ContentTypeManager no longer uses self._cache"
    assert used <= set(dir(SchemaContentTypeCache)), used - set(dir(SchemaContentTypeCache))


def _on_cache(node) -> bool:
    """`self._cache.<method>`."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "_cache"
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "self"
    )


@pytest.mark.django_db
def test_treebeard_paths_and_parent_cache(django_assert_num_queries):
    from wagtail.models import Page

    parent = Page(path="0001", depth=1)
    page = Page(path="00010001", depth=2)
    page._cached_parent_obj = parent
    with django_assert_num_queries(0):
        assert page.get_parent() is parent
    assert page._inc_path() == "00010002"
    assert Page._get_path("0001", 2, 1) == "00010001"


def test_the_replaced_private_names_are_no_longer_used():
    replaced = (
        "._find_for_request",
        "._result_cache",
        "._get_prefetched_renditions",
        "._get_raw_host",
        "._cached_parent_obj",
    )
    allowed = {"._cached_parent_obj": {"cms/wordpress/services.py"}}
    for folder in ("cms", "core", "tenants"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            text = path.read_text(encoding="utf-8")
            for name in replaced:
                if name in text and relative not in allowed.get(name, ()):
                    pytest.fail(f"{relative} uses {name}: list it in cms.caching.internals")


# -- The content type cache is installed at start-up, in every kind of process ----------------


def test_a_worker_process_has_the_per_schema_content_type_cache():
    """A Celery worker loads Django and the task modules; without Django's system checks
    (CELERY_SKIP_CHECKS, as beat or a command may also run) it never imports the request
    middleware, and the cache is there all the same."""
    code = (
        "import sys\n"
        "import django\n"
        "django.setup()\n"
        "from simpul.celery import app\n"
        "app.loader.import_default_modules()\n"
        "from django.contrib.contenttypes.models import ContentType\n"
        "from core.content_types import SchemaContentTypeCache\n"
        "assert 'tenants.middleware' not in sys.modules, 'the worker imported the middleware'\n"
        "print(isinstance(ContentType.objects._cache, SchemaContentTypeCache))\n"
    )
    env = dict(
        os.environ,
        PYTHONPATH=f"{ROOT / 'platform'}:{ROOT}",
        DJANGO_SETTINGS_MODULE="simpul.settings",
        CELERY_SKIP_CHECKS="1",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_this_process_has_it_too():
    from django.contrib.contenttypes.models import ContentType

    from core.content_types import SchemaContentTypeCache

    assert isinstance(ContentType.objects._cache, SchemaContentTypeCache)
