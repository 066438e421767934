"""Celery tasks of the SOP app: the deadline sweep, fanned out one task per instansi.

Their e-mail is delivered by the kernel's outbox (`core.tasks`), whose one sweeper re-sends
what was not delivered; the SOP has no sender of its own.
"""

from celery import shared_task
from django_tenants.utils import schema_context

from tenants.models import Instansi

# Beat runs the sweep every minute: spread its messages over half of that, so one tick's
# backlog never overlaps the next.
DEADLINES_SPREAD_SECONDS = 30.0


@shared_task
def sweep_deadlines() -> int:
    """Beat: one `sweep_deadlines_instansi` per served instansi (core.fanout), so one slow
    schema never delays the others; how many messages were sent."""
    from core.fanout import fan_out

    schemas = (
        Instansi.objects.served().order_by("schema_name").values_list("schema_name", flat=True)
    )
    sent = fan_out(
        sweep_deadlines_instansi, schemas=schemas, spread_seconds=DEADLINES_SPREAD_SECONDS
    )
    return len(sent.results)


@shared_task
def sweep_deadlines_instansi(schema_name: str) -> int:
    """In one instansi, notify steps at 80 % / 100 % of their standard time; how many notices
    were made. Idempotent: a notice is unique per step attempt, level and recipient, so a
    message run twice, or late, makes none twice."""
    from .services import deadline_sweep

    with schema_context(schema_name):
        return len(deadline_sweep())
