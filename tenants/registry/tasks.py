"""Celery tasks of the registry: the periodic reminders and the directory rebuild."""

import logging

from celery import shared_task
from django_tenants.utils import schema_context

from ..models import Instansi

logger = logging.getLogger("simpul.registry")


@shared_task
def registry_reminders_all() -> dict[str, dict[str, int]]:
    """Refresh every active instansi's registry reminders (Celery beat, daily)."""
    from .services import reminders_refresh

    results = {}
    for instansi in Instansi.objects.active().order_by("schema_name"):
        try:
            with schema_context(instansi.schema_name):
                results[instansi.schema_name] = reminders_refresh(instansi=instansi)
        except Exception:  # noqa: BLE001 - one broken schema must not stop the others
            logger.exception("registry reminders failed for %s", instansi.schema_name)
    return results


@shared_task
def directory_rebuild_all() -> dict[str, int]:
    """Rewrite the public account directory from every instansi's registry."""
    from .services import directory_rebuild

    return {
        i.schema_name: directory_rebuild(instansi=i)
        for i in Instansi.objects.served().order_by("schema_name")
    }
