"""Celery tasks of the SOP app: deadline notices per instansi.

Their e-mail is delivered by the kernel's outbox (`core.tasks`), whose one sweeper re-sends
what was not delivered.
"""

import logging

from celery import shared_task
from django_tenants.utils import schema_context

from tenants.models import Instansi

logger = logging.getLogger("simpul.sop")


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def send_notification_email(self, notification_id: int) -> bool:
    """Deliver one notice's e-mail from the outbox (runs in the notice's schema; idempotent)."""
    from .services import notification_send_email

    try:
        return notification_send_email(notification_id=notification_id)
    except Exception as exc:  # noqa: BLE001 - mail server trouble: retry, the sweeper follows
        raise self.retry(exc=exc) from exc


@shared_task
def sweep_deadlines() -> dict[str, int]:
    """Beat: in every served instansi, notify steps at 80 % / 100 % of their standard time."""
    from .services import deadline_sweep

    created: dict[str, int] = {}
    for schema_name in Instansi.objects.served().values_list("schema_name", flat=True):
        try:
            with schema_context(schema_name):
                created[schema_name] = len(deadline_sweep())
        except Exception:  # noqa: BLE001 - one broken instansi must not stop the others
            logger.exception("sweep SOP gagal untuk %s", schema_name)
    return created
