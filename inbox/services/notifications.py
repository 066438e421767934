"""The inbox's notices: recipients, delivery of one notice, the sweep of undelivered ones."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.models import OutboxMessage
from core.outbox import outbox_deliver, outbox_message_id, outbox_retry_in, staff_emails
from tenants.models import Instansi

from ..models import (
    IdempotencyRecord,
    Notification,
)
from ._common import (
    PETUGAS_GROUPS,
    _enqueue_mail,
    notice_outbox_key,
)

logger = logging.getLogger("simpul.inbox")


def notification_recipients(instansi: Instansi) -> list[str]:
    """E-mail addresses of the instansi's petugas and pejabat (its admins when none is set)."""
    return staff_emails(instansi.schema_name, groups=PETUGAS_GROUPS, superusers="fallback")


def notification_deliver(*, notification_id: int) -> bool:
    """Deliver one notice's mail from the outbox if it is still unsent; True when this call
    sent it. Nothing is locked while the mail server answers (the outbox claims the message)."""
    notification = (
        Notification.objects.select_related("instansi")
        .filter(pk=notification_id, sent_at__isnull=True)
        .first()
    )
    if notification is None:
        return False  # sent already
    message_id = outbox_message_id(notice_outbox_key(notification))
    if message_id is None:
        # A notice made before its mail moved to the outbox: enqueue it now, exactly once.
        with transaction.atomic():
            message_id = _enqueue_mail(notification) or outbox_message_id(
                notice_outbox_key(notification)
            )
    return outbox_deliver(message_id=message_id)


def notice_retry_in(notification_id: int) -> float | None:
    """Seconds until another worker's claim on the notice's mail runs out (None: sent)."""
    notification = Notification.objects.filter(pk=notification_id, sent_at__isnull=True).first()
    if notification is None:
        return None
    message_id = outbox_message_id(notice_outbox_key(notification))
    return 0.0 if message_id is None else outbox_retry_in(message_id)


def notice_mark_sent(message: OutboxMessage) -> None:
    """Outbox hook (inbox/apps.py): the notice shows when, to whom and after how many tries."""
    Notification.objects.filter(key=message.key.removeprefix("inbox:")).update(
        sent_at=message.sent_at, recipients=message.recipients, attempts=message.attempts
    )


IDEMPOTENCY_KEEP_DAYS = 7


def notifications_sweep(*, older_than_seconds: int = 60, limit: int = 500) -> int:
    """Deliver what the queue did not (broker down, worker lost): returns how many were sent.

    Also forgets Idempotency-Key answers older than a week (clients retry within minutes).
    """
    IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=IDEMPOTENCY_KEEP_DAYS)
    ).delete()
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = list(
        Notification.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in pending:
        try:
            sent += notification_deliver(notification_id=pk)
        except Exception:  # noqa: BLE001 - recorded on the outbox row, retried next sweep
            logger.warning("inbox notice %s not delivered", pk, exc_info=True)
    return sent
