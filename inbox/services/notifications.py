"""The inbox's notices: recipients, delivery of one notice, the sweep of undelivered ones."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core.outbox import staff_emails
from tenants.models import Instansi

from ..models import (
    IdempotencyRecord,
    Notification,
)
from ._common import (
    PETUGAS_GROUPS,
)


def notification_recipients(instansi: Instansi) -> list[str]:
    """E-mail addresses of the instansi's petugas and pejabat (its admins when none is set)."""
    return staff_emails(instansi.schema_name, groups=PETUGAS_GROUPS, superusers="fallback")


def notification_deliver(*, notification_id: int) -> bool:
    """Send one outbox row if it is still unsent; True when this call sent it."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("instansi")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return False  # sent already, or another worker is sending it right now
        recipients = notification_recipients(notification.instansi)
        if recipients:
            send_mail(
                notification.subject,
                notification.message,
                settings.DEFAULT_FROM_EMAIL,
                recipients,
                fail_silently=False,
            )
        notification.sent_at = timezone.now()
        notification.recipients = ", ".join(recipients)
        notification.attempts += 1
        notification.save(update_fields=["sent_at", "recipients", "attempts"])
    return True


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
    return sum(1 for pk in pending if notification_deliver(notification_id=pk))
