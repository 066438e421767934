"""Celery tasks of the SOP app: deadline notices per instansi and the e-mail outbox."""

import logging

from celery import shared_task
from django_tenants.utils import schema_context

logger = logging.getLogger("simpul.sop")


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def send_notification_email(self, notification_id: int) -> bool:
    """Send one notification's e-mail (runs in the schema it was queued from; idempotent)."""
    from .services import notification_send_email

    try:
        return notification_send_email(notification_id=notification_id)
    except Exception as exc:  # noqa: BLE001 - mail server trouble: retry, the sweeper follows
        raise self.retry(exc=exc) from exc


@shared_task
def sweep_deadlines() -> dict[str, int]:
    """Beat: in every served instansi, notify steps at 80 % / 100 % and re-send unsent mail."""
    from tenants.models import Instansi

    from .services import deadline_sweep, notification_resend_unsent

    created: dict[str, int] = {}
    for schema_name in Instansi.objects.served().values_list("schema_name", flat=True):
        try:
            with schema_context(schema_name):
                created[schema_name] = len(deadline_sweep())
                notification_resend_unsent()
        except Exception:  # noqa: BLE001 - one broken instansi must not stop the others
            logger.exception("sweep SOP gagal untuk %s", schema_name)
    return created
