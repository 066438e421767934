"""Celery tasks of the website: periodic sweepers of the portal's news index and page cache.

Each sweeper fans out (core.fanout) one small idempotent task per active instansi, so one slow
schema never delays the others' catch-up.
"""

import logging

from celery import shared_task
from django_tenants.utils import schema_context

logger = logging.getLogger("simpul.cms")

# Spread over half of each beat period (settings.CELERY_BEAT_SCHEDULE), so the next tick
# never overlaps a backlog of this one.
PORTAL_RECONCILE_SPREAD_SECONDS = 450.0
PAGE_CACHE_RECONCILE_SPREAD_SECONDS = 30.0
# A page-cache check is one Redis read and one small query: 25 schemas share a message, so
# 1,000 instansi cost 40 messages a minute, not 1,000.
PAGE_CACHE_RECONCILE_CHUNK = 25


def _active_schemas() -> list[str]:
    from tenants.selectors import instansi_list_active

    return list(instansi_list_active().values_list("schema_name", flat=True))


@shared_task
def portal_reconcile_all() -> int:
    """Celery beat: one `portal_reconcile_instansi` per active instansi; messages sent."""
    from core.fanout import fan_out

    sent = fan_out(
        portal_reconcile_instansi,
        schemas=_active_schemas(),
        spread_seconds=PORTAL_RECONCILE_SPREAD_SECONDS,
    )
    return len(sent.results)


@shared_task
def portal_reconcile_instansi(schema_name: str) -> dict[str, int]:
    """Catch up one instansi's portal entries and search index that an on-commit update missed."""
    from .portal.indexing import search_reconcile
    from .services import portal_reconcile

    counts = portal_reconcile(schema_name=schema_name)
    if counts["upserted"] or counts["removed"]:
        logger.warning("portal index of %s caught up: %s", schema_name, counts)
    searched = search_reconcile(schema_name=schema_name)
    if searched["upserted"] or searched["removed"]:
        logger.warning("search index of %s caught up: %s", schema_name, searched)
    return counts


@shared_task
def page_cache_reconcile_all() -> int:
    """Celery beat, every minute: `page_cache_reconcile` for every active instansi, in chunks."""
    from core.fanout import fan_out

    sent = fan_out(
        page_cache_reconcile,
        schemas=_active_schemas(),
        chunk=PAGE_CACHE_RECONCILE_CHUNK,
        spread_seconds=PAGE_CACHE_RECONCILE_SPREAD_SECONDS,
    )
    return len(sent.results)


@shared_task
def page_cache_reconcile(schema_name: str) -> bool:
    """Drop one instansi's page cache if it outlived a change (see cms.caching.generation);
    True if dropped."""
    from .caching.generation import reconcile

    with schema_context(schema_name):
        dropped = reconcile()
    if dropped:
        logger.warning("page cache of %s dropped after a lost invalidation", schema_name)
    return dropped
