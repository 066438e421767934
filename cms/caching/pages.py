"""Per-tenant page cache in Django's cache (Redis): anonymous GETs, dropped on every publish.

Keys are prefixed by schema (django-tenants `make_key`), so two instansi never share an entry,
and carry the instansi's generation (`cms.caching.generation`), which a publish moves on.
Pages holding a CSRF token and requests carrying a session cookie are never cached, the same
rules as the nginx layer in deploy/. An entry is the response's plain data (status, type,
bytes, Cache-Control), never a page object.

A page that may be shared tells the caches in front how long they may keep it
(SHARED_CACHE_CONTROL), which is what nginx's micro-cache in deploy/ follows.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models.query import EmptyQuerySet, QuerySet
from django.http import HttpResponse

from .generation import (
    GENERATION_KEY,
    has_generation,
    last_generations,
    note_generation,
    request_generation,
)
from .memo import memo_scope, tenant_memo
from .sites import prime_wagtail_site

PAGE_TIMEOUT = 600
CACHE_HEADER = "X-Simpul-Cache"
# What a page every anonymous visitor shares tells the caches in front (deploy/nginx): a shared
# cache may keep it for a second and, while it fetches a newer copy in the background, hand out
# the old one for one more second; browsers revalidate every time. So readers never queue
# behind a refresh, and no copy is served more than a second past its expiry, however quiet
# the site (nginx counts whole seconds: a copy lives 1-2 s, so at most about 3 s old).
SHARED_CACHE_CONTROL = "max-age=0, s-maxage=1, stale-while-revalidate=1"


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
    guess = last_generations.get(connection.schema_name)
    if guess is not None and not has_generation(request):
        key = _key(request, guess)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is not None:
            note_generation(request, generation)
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
    """Decorator for views of cms/urls.py (sitemap, robots, identity CSS, every Wagtail page).

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


class _KnownEmpty(QuerySet):
    """`none()` that Wagtail's restriction check (which iterates it on every page view) reads
    without compiling SQL: iterating an empty queryset still builds its query, which cost a
    fifth of a page's render. Any other use (filter, exists, order_by) is Django's own."""

    def __iter__(self):
        if isinstance(self, EmptyQuerySet):
            return iter(())
        return super().__iter__()


_no_restrictions: _KnownEmpty | None = None


def any_view_restriction() -> bool:
    """Whether any page of the instansi is private (password, login or groups)."""
    from wagtail.models import PageViewRestriction

    return tenant_memo("any_view_restriction", PageViewRestriction.objects.exists)


class CachedPageMixin:
    """Serve a Wagtail page from the tenant's page cache when an anonymous visitor asks.

    Pages reached through cms.urls' cached route are already looked up and stored there;
    this covers any other way in (Wagtail's own serve view). Wagtail's check of the page's
    view restrictions (two queries on every view) is answered from the tenant's memo while
    the instansi has no private page at all, the usual case.
    """

    def get_view_restrictions(self):
        from wagtail.models import PageViewRestriction

        if not any_view_restriction():
            global _no_restrictions
            if _no_restrictions is None:  # one per process: iterating or chaining changes it not
                _no_restrictions = _KnownEmpty(model=PageViewRestriction).none()
            return _no_restrictions
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
