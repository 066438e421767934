"""Celery task of the WordPress import: runs one import in the schema it was sent from."""

import logging

from celery import shared_task

logger = logging.getLogger("simpul.cms.wordpress")


@shared_task(name="cms.wordpress_import_run", acks_late=False)
def wordpress_import_run(run_id: int) -> dict[str, int]:
    """Import one uploaded export (tenant-schemas-celery sets the schema); idempotent per item."""
    from core.errors import SimpulError

    from .services import wordpress_import_execute

    try:
        run = wordpress_import_execute(run_id=run_id)
    except SimpulError:
        return {}  # the run row holds the message shown to the admin
    return run.counts


@shared_task(name="cms.wordpress_portal_catch_up")
def wordpress_portal_catch_up() -> dict[str, int]:
    """After an import: bring the regency portal's copy of this instansi's news, and its
    search index, up to date (imported pages are written without the publish signal that
    updates them one page at a time)."""
    from django.db import connection

    from ..portal.indexing import search_reconcile
    from ..services import portal_reconcile

    counts = portal_reconcile(schema_name=connection.schema_name)
    search_reconcile(schema_name=connection.schema_name)
    return counts
