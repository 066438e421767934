"""Celery tasks of the registry: the periodic reminders and the directory rebuild."""

from celery import shared_task
from django_tenants.utils import schema_context

from ..models import Instansi

# Daily: spread the instansi over the first hour of the day's run.
REMINDERS_SPREAD_SECONDS = 3600.0


@shared_task
def registry_reminders_all() -> int:
    """Celery beat, daily: one `registry_reminders` per active instansi (core.fanout)."""
    from core.fanout import fan_out

    schemas = (
        Instansi.objects.active().order_by("schema_name").values_list("schema_name", flat=True)
    )
    sent = fan_out(registry_reminders, schemas=schemas, spread_seconds=REMINDERS_SPREAD_SECONDS)
    return len(sent.results)


@shared_task
def registry_reminders(schema_name: str) -> dict[str, int]:
    """Refresh one instansi's registry reminders; idempotent (an open reminder is not doubled).

    An instansi archived between the fan-out and this run fails here (DoesNotExist), logged by
    Celery; the others are separate messages and do not notice."""
    from .services import reminders_refresh

    instansi = Instansi.objects.active().get(schema_name=schema_name)
    with schema_context(schema_name):
        return reminders_refresh(instansi=instansi)


@shared_task
def directory_rebuild_all() -> dict[str, int]:
    """Rewrite the public account directory from every instansi's registry."""
    from .services import directory_rebuild

    return {
        i.schema_name: directory_rebuild(instansi=i)
        for i in Instansi.objects.served().order_by("schema_name")
    }
