"""Each instansi's generation: the number every page-cache key and memo entry carries.

A publish or unpublish (or an identity change, cms.signals) moves the number on, orphaning all
old entries, which then expire by their timeout. A sweep (`reconcile`, cms.tasks) moves it on
when a change is newer than it: the invalidation of that change was lost while Redis was away.
"""

import time

from django.core.cache import cache
from django.db import connection

GENERATION_KEY = "cms:generation"


def current_generation() -> int | None:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        # add() so that two first requests agree on one generation
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY)
    return generation


def invalidate() -> None:
    """Drop every cached page and memo entry of the current schema."""
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


# schema -> the generation this process read last: the page cache fetches it and the page
# stored under it in one round trip (`cms.caching.pages`).
last_generations: dict[str, int] = {}


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
    note_generation(request, generation)
    return generation


def note_generation(request, generation: int | None) -> None:
    """Remember `generation` as the one `request` runs under (and this process saw last)."""
    request._simpul_generation = (generation, connection.schema_name)
    if generation is not None:
        last_generations[connection.schema_name] = generation


def has_generation(request) -> bool:
    return hasattr(request, "_simpul_generation")


# Audit rows of things no page shows: the shared inbox (its public pages are never in this
# cache), sign-in safety and API tokens. An inquiry answered must not drop the site's pages.
AUDIT_TYPES_OFF_PAGES = ("inbox.", "auth.", "tenants.ApiToken")


def last_change_ns() -> int | None:
    """When the current instansi last changed something its pages show, from the database:
    page actions (publish, unpublish, move, delete) and settings edits are in Wagtail's logs,
    registry and instansi changes in the audit trail."""
    from django.db.models import Max, Q
    from wagtail.models import ModelLogEntry, PageLogEntry

    from tenants.models import AuditEntry

    off_pages = Q()
    for prefix in AUDIT_TYPES_OFF_PAGES:
        off_pages |= Q(object_type__startswith=prefix)
    stamps = [
        PageLogEntry.objects.aggregate(m=Max("timestamp"))["m"],
        ModelLogEntry.objects.aggregate(m=Max("timestamp"))["m"],
        AuditEntry.objects.filter(instansi__schema_name=connection.schema_name)
        .exclude(off_pages)
        .aggregate(m=Max("created_at"))["m"],
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
