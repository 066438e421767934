"""Celery tasks of sign-in safety: the daily prune of rows that no longer decide anything."""

from celery import shared_task
from django_tenants.utils import schema_context

# Small work per instansi: 50 schemas a message, spread over the first hour of the day's run.
PRUNE_CHUNK = 50
PRUNE_SPREAD_SECONDS = 3600.0


@shared_task
def prune_sign_in_rows_all() -> int:
    """Celery beat, daily: `prune_sign_in_rows` for every active instansi, in chunks."""
    from core.fanout import fan_out
    from tenants.selectors import instansi_list_active

    schemas = instansi_list_active().values_list("schema_name", flat=True)
    sent = fan_out(
        prune_sign_in_rows, schemas=schemas, chunk=PRUNE_CHUNK, spread_seconds=PRUNE_SPREAD_SECONDS
    )
    return len(sent.results)


@shared_task
def prune_sign_in_rows(schema_name: str) -> dict[str, int]:
    """Delete one instansi's ended sign-in budgets, stale known addresses and long-expired
    enrolment codes (tenants.access.services.sign_in_rows_prune); idempotent."""
    from .services import sign_in_rows_prune

    with schema_context(schema_name):
        return sign_in_rows_prune()
