"""Per-tenant page cache in Django's cache (Redis): anonymous GETs, dropped on every publish.

Keys are prefixed by schema (django-tenants `make_key`), so two instansi never share an entry.
Invalidation is by generation: every key carries the tenant's current generation number, and a
publish or unpublish (or an identity change) moves the number on, orphaning all old entries,
which then expire by their timeout. Pages holding a CSRF token and requests carrying a session
cookie are never cached, the same rules as the nginx layer in deploy/.

Below the page cache, every request (with a session too) shares a per-process memo of the
tenant's reads that are the same for every visitor (`tenant_memo`): its Wagtail site and root
paths, its sections, identity and official accounts, whether it restricts any page, the home
page's latest news, a news page found by its address, image renditions. The memo is valid for
the generation it was read under, so the same publish, edit or registry change that drops the
page cache drops it, and for at most MEMO_SECONDS in any case. What depends on the visitor (view
restrictions, sessions, CSRF) is still checked on every request, and every page is rendered;
the parts of a template that are the same for everyone come from the memo too (`{% shared %}`
in cms_tags).

A page that may be shared tells the caches in front how long they may keep it
(SHARED_CACHE_CONTROL), which is what nginx's micro-cache in deploy/ follows.
"""

import hashlib
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.http.request import split_domain_port

T = TypeVar("T")

GENERATION_KEY = "cms:generation"
PAGE_TIMEOUT = 600
CACHE_HEADER = "X-Simpul-Cache"
# What a page every anonymous visitor shares tells the caches in front (deploy/nginx): a shared
# cache may keep it for a second and, while it fetches a newer copy in the background, hand out
# the old one for one more second; browsers revalidate every time. So readers never queue
# behind a refresh, and no copy is served more than a second past its expiry, however quiet
# the site (nginx counts whole seconds: a copy lives 1-2 s, so at most about 3 s old).
SHARED_CACHE_CONTROL = "max-age=0, s-maxage=1, stale-while-revalidate=1"
MEMO_SECONDS = 60.0
# Per process, least recently used dropped first. An instansi whose home, news and profile are
# read holds about 16-20 entries, some 70 KB (tracemalloc): room for every instansi of a
# regency of 250 (about 20 MB per process); at 1,000, a site of 200 cycled its memo away.
MEMO_MAX_ENTRIES = 5_000
# And by memory: the entry count alone lets a few large values (a long rendered fragment, a
# page with a big body) grow a process without bound. Sizes are estimated once, when stored
# (`_memo_size`); least recently used entries go until the memo fits again.
MEMO_MAX_BYTES = getattr(settings, "SIMPUL_MEMO_MAX_BYTES", 64 * 1024 * 1024)
# A value that cannot be pickled counts as twice the measured mean entry (70 KB / 16-20).
MEMO_UNSIZED_BYTES = 8 * 1024


def current_generation() -> int | None:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        # add() so that two first requests agree on one generation
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY)
    return generation


def invalidate() -> None:
    """Drop every cached page of the current schema."""
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def request_generation(request) -> int | None:
    """The current schema's generation, read once per request (None while Redis is away).

    Everything a request caches or reads from the memo is keyed by the generation it started
    with: a page rendered while a publish moved the generation on is stored under the old one,
    which no later request asks for.
    """
    try:
        generation, schema_name = request._simpul_generation
    except AttributeError:
        pass
    else:
        if schema_name == connection.schema_name:
            return generation
    generation = current_generation()
    _note_generation(request, generation)
    return generation


# schema -> the generation this process read last: the page cache fetches it and the page
# stored under it in one round trip (`_generation_and_entry`).
_last_generations: dict[str, int] = {}


def _note_generation(request, generation: int | None) -> None:
    request._simpul_generation = (generation, connection.schema_name)
    if generation is not None:
        _last_generations[connection.schema_name] = generation


# (schema, name) -> (generation, expires at (monotonic), value, size), least recently used first
_memo: OrderedDict[tuple[str, Hashable], tuple[int, float, object, int]] = OrderedDict()
_memo_lock = threading.Lock()
# The sum of the sizes in `_memo`, kept under MEMO_MAX_BYTES.
_memo_bytes = 0


def _memo_size(value: object) -> int:
    """About how many bytes `value` holds: the length of text, else of its pickle."""
    if isinstance(value, str | bytes):
        return len(value)
    try:
        return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    except Exception:  # noqa: BLE001 - some objects do not pickle; count them as an average one
        return MEMO_UNSIZED_BYTES


def _memo_store(key: tuple[str, Hashable], entry: tuple[int, float, object, int]) -> None:
    """Store `entry` as the most recently used; drop the least recently used until both the
    entry count and the byte budget hold. A value larger than the whole budget is not kept."""
    global _memo_bytes
    with _memo_lock:
        old = _memo.pop(key, None)
        if old is not None:
            _memo_bytes -= old[3]
        if entry[3] > MEMO_MAX_BYTES:
            return
        _memo[key] = entry
        _memo_bytes += entry[3]
        while len(_memo) > MEMO_MAX_ENTRIES or _memo_bytes > MEMO_MAX_BYTES:
            _memo_bytes -= _memo.popitem(last=False)[1][3]


# (schema, generation) of the request being served, set by `memo_scope`.
_scope: ContextVar[tuple[str, int] | None] = ContextVar("simpul_memo_scope", default=None)
# Off: what a request reads inside a transaction may be its own uncommitted writes (or, in
# tests, rows rolled back afterwards), which no other request may be shown. tests/cms turns it
# on, clearing the memo around each test.
memo_in_transactions = False


@contextmanager
def memo_scope(request):
    """While serving `request`: `tenant_memo` shares values read under its generation."""
    generation = request_generation(request)
    token = _scope.set(None if generation is None else (connection.schema_name, generation))
    try:
        yield
    finally:
        _scope.reset(token)


def tenant_memo(name: Hashable, build: Callable[[], T]) -> T:
    """`build()`'s value for the current schema, shared by this process's requests while the
    schema's generation stays the same (MEMO_SECONDS at most).

    For reads that are the same for every visitor and change only through something that
    moves the generation (cms.signals): the site's structure and
    identity, and published pages (any page saved, published, unpublished or moved moves it).
    The value is shared between requests (and threads): callers must treat it as read-only.
    Outside a `memo_scope` (no request, another schema, Redis away) `build()` runs every time.
    """
    scope = _scope.get()
    if scope is None or scope[0] != connection.schema_name:
        return build()
    schema_name, generation = scope
    key = (schema_name, name)
    now = time.monotonic()
    entry = _memo.get(key)
    if entry is not None and entry[0] == generation and entry[1] > now:
        with _memo_lock:
            if key in _memo:
                _memo.move_to_end(key)
        return entry[2]
    value = build()
    if memo_in_transactions or not connection.in_atomic_block:
        _memo_store(key, (generation, now + MEMO_SECONDS, value, _memo_size(value)))
    return value


def forget_memo() -> None:
    """Drop this process's memo of every schema (tests)."""
    global _memo_bytes
    with _memo_lock:
        _memo.clear()
        _memo_bytes = 0


def prime_wagtail_site(request) -> None:
    """Answer Wagtail's per-request lookups from the memo: the site for the host (a query
    otherwise) and the sites' root paths (a cache read otherwise). The site's root page is the
    memoised instance too, with its `.specific` page loaded once."""
    from wagtail.models import Site

    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request._get_raw_host())[0]
        port = request.get_port()
        request._wagtail_site = tenant_memo(
            ("site", hostname, port), lambda: Site._find_for_request(request)
        )
    if not hasattr(request, "_wagtail_cached_site_root_paths"):
        request._wagtail_cached_site_root_paths = tenant_memo(
            "site_root_paths", Site.get_site_root_paths
        )


def last_change_ns() -> int | None:
    """When the current instansi last changed something its pages show, from the database:
    page actions (publish, unpublish, move, delete) and settings edits are in Wagtail's logs,
    registry changes in the audit trail."""
    from django.db import connection
    from django.db.models import Max
    from wagtail.models import ModelLogEntry, PageLogEntry

    from tenants.models import AuditEntry

    stamps = [
        PageLogEntry.objects.aggregate(m=Max("timestamp"))["m"],
        ModelLogEntry.objects.aggregate(m=Max("timestamp"))["m"],
        AuditEntry.objects.filter(instansi__schema_name=connection.schema_name).aggregate(
            m=Max("created_at")
        )["m"],
    ]
    latest = max((s for s in stamps if s is not None), default=None)
    return int(latest.timestamp() * 1_000_000_000) if latest else None


def reconcile() -> bool:
    """Drop the cache when a change is newer than its generation: the invalidation of that
    change was lost (Redis unreachable or hung at the time). True when it dropped."""
    generation = cache.get(GENERATION_KEY)
    changed = last_change_ns()
    if generation is None or changed is None or changed <= generation:
        return False
    invalidate()
    return True


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    # A session or pending flash messages make the page personal: never share it.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return not getattr(request, "is_preview", False)


def _key(request, generation: int) -> str:
    digest = hashlib.sha256(f"{request.get_host()}|{request.get_full_path()}".encode()).hexdigest()[
        :32
    ]
    # The entry's shape is part of the key (v2: with its Cache-Control), so that processes of
    # two releases running side by side during a deploy never read each other's entries.
    return f"cms:page:v2:{generation}:{digest}"


def _generation_and_entry(request) -> tuple[int | None, tuple | None]:
    """The current generation and the page stored under it: one round trip while the
    generation is the one this process saw last (nearly always), two after a change."""
    guess = _last_generations.get(connection.schema_name)
    if guess is not None and not hasattr(request, "_simpul_generation"):
        key = _key(request, guess)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is not None:
            _note_generation(request, generation)
            if generation == guess:
                return generation, found.get(key)
    generation = request_generation(request)
    if generation is None:
        return None, None
    return generation, cache.get(_key(request, generation))


def cached_response(request) -> HttpResponse | None:
    if not _cacheable_request(request):
        return None
    _, entry = _generation_and_entry(request)
    if entry is None:
        return None
    status, content_type, content, cache_control = entry
    response = HttpResponse(content, content_type=content_type, status=status)
    response["Cache-Control"] = cache_control
    response[CACHE_HEADER] = "hit"
    return response


def store_response(request, response) -> None:
    """Keep a page every anonymous visitor may share, and say so to the caches in front."""
    if not _cacheable_request(request) or response.status_code != 200:
        return
    if getattr(response, "streaming", False) or response.has_header("Set-Cookie"):
        return
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if b"csrfmiddlewaretoken" in response.content:
        return
    if not response.has_header("Cache-Control"):  # a view's own rule (identity.css) stands
        response["Cache-Control"] = SHARED_CACHE_CONTROL
    generation = request_generation(request)
    if generation is None:
        return
    cache.set(
        _key(request, generation),
        (
            response.status_code,
            response.get("Content-Type", "text/html"),
            response.content,
            response["Cache-Control"],
        ),
        timeout=PAGE_TIMEOUT,
    )
    response[CACHE_HEADER] = "miss"


def cache_page_per_tenant(view):
    """Decorator for views of cms/urls.py (sitemap, robots, search, every Wagtail page).

    A hit costs no database query: the lookup happens before Wagtail routes the path.
    """

    def wrapped(request, *args, **kwargs):
        hit = cached_response(request)
        if hit is not None:
            return hit
        request._simpul_page_cache = True
        with memo_scope(request):
            prime_wagtail_site(request)
            response = view(request, *args, **kwargs)
            # Templates render here, inside the scope (their tags read the memo), not later
            # in Django's handler; no middleware of the project alters template responses.
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        store_response(request, response)
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


class CachedPageMixin:
    """Serve a Wagtail page from the tenant's page cache when an anonymous visitor asks.

    Pages reached through cms.urls' cached route are already looked up and stored there;
    this covers any other way in (Wagtail's own serve view). Wagtail's check of the page's
    view restrictions (two queries on every view) is answered from the tenant's memo while
    the instansi has no private page at all, the usual case.
    """

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        from .selectors import any_view_restriction

        if not any_view_restriction():
            restrictions = PageViewRestriction.objects.none()
            # Known to be empty: iterating it (Wagtail's check does) compiles no SQL either.
            restrictions._result_cache = []
            return restrictions
        return super().get_view_restrictions()

    def serve(self, request, *args, **kwargs):
        if getattr(request, "_simpul_page_cache", False):
            return super().serve(request, *args, **kwargs)
        hit = cached_response(request)
        if hit is not None:
            return hit
        response = super().serve(request, *args, **kwargs)
        store_response(request, response)
        return response
