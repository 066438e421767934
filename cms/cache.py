"""Per-tenant page cache in Django's cache (Redis): anonymous GETs, dropped on every publish.

Keys are prefixed by schema (django-tenants `make_key`), so two instansi never share an entry.
Invalidation is by generation: every key carries the tenant's current generation number, and a
publish or unpublish (or an identity change) moves the number on, orphaning all old entries,
which then expire by their timeout. Pages holding a CSRF token and requests carrying a session
cookie are never cached, the same rules as the nginx layer in deploy/.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

GENERATION_KEY = "cms:generation"
PAGE_TIMEOUT = 600
CACHE_HEADER = "X-Simpul-Cache"


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
    return f"cms:page:{generation}:{digest}"


def cached_response(request) -> HttpResponse | None:
    if not _cacheable_request(request):
        return None
    generation = current_generation()
    if generation is None:
        return None
    entry = cache.get(_key(request, generation))
    if entry is None:
        return None
    status, content_type, content = entry
    response = HttpResponse(content, content_type=content_type, status=status)
    response[CACHE_HEADER] = "hit"
    return response


def store_response(request, response) -> None:
    if not _cacheable_request(request) or response.status_code != 200:
        return
    if getattr(response, "streaming", False) or response.has_header("Set-Cookie"):
        return
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    if b"csrfmiddlewaretoken" in response.content:
        return
    generation = current_generation()
    if generation is None:
        return
    cache.set(
        _key(request, generation),
        (response.status_code, response.get("Content-Type", "text/html"), response.content),
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
        response = view(request, *args, **kwargs)
        store_response(request, response)
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


class CachedPageMixin:
    """Serve a Wagtail page from the tenant's page cache when an anonymous visitor asks.

    Pages reached through cms.urls' cached route are already looked up and stored there;
    this covers any other way in (Wagtail's own serve view).
    """

    def serve(self, request, *args, **kwargs):
        if getattr(request, "_simpul_page_cache", False):
            return super().serve(request, *args, **kwargs)
        hit = cached_response(request)
        if hit is not None:
            return hit
        response = super().serve(request, *args, **kwargs)
        store_response(request, response)
        return response
