"""Celery tasks of the website: periodic sweepers of the portal's news index and page cache."""

import logging

from celery import shared_task

logger = logging.getLogger("simpul.cms")


@shared_task
def portal_reconcile_all() -> dict[str, dict[str, int]]:
    """For every active instansi, catch up portal entries that an on-commit update missed."""
    from tenants.selectors import instansi_list_active

    from .portal.indexing import search_reconcile
    from .services import portal_reconcile

    results = {}
    for instansi in instansi_list_active():
        counts = portal_reconcile(schema_name=instansi.schema_name)
        if counts["upserted"] or counts["removed"]:
            logger.warning("portal index of %s caught up: %s", instansi.schema_name, counts)
        searched = search_reconcile(schema_name=instansi.schema_name)
        if searched["upserted"] or searched["removed"]:
            logger.warning("search index of %s caught up: %s", instansi.schema_name, searched)
        results[instansi.schema_name] = counts
    return results


@shared_task
def page_cache_reconcile_all() -> list[str]:
    """For every active instansi, drop a page cache that outlived a change (see cms.cache)."""
    from django_tenants.utils import schema_context

    from tenants.selectors import instansi_list_active

    from . import cache

    dropped = []
    for instansi in instansi_list_active():
        with schema_context(instansi.schema_name):
            if cache.reconcile():
                dropped.append(instansi.schema_name)
    if dropped:
        logger.warning("page cache dropped after a lost invalidation: %s", ", ".join(dropped))
    return dropped
