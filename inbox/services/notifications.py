"""The inbox's notices: their recipients, and the notice marked sent when the outbox delivered it.

A notice (`Notification`) is the inbox's record of what the petugas were told about which
inquiry or referral (the referral clock reads it to know an overdue notice was made); its mail
is a message of the kernel's outbox, delivered by `core.tasks.deliver_outbox_message` and
retried by `core.tasks.sweep_outbox`, the one path of every app's mail.
"""

from core.models import OutboxMessage
from core.outbox import staff_emails
from tenants.models import Instansi

from ..models import Notification
from ._common import PETUGAS_GROUPS


def notification_recipients(instansi: Instansi) -> list[str]:
    """E-mail addresses of the instansi's petugas and pejabat (its admins when none is set)."""
    return staff_emails(instansi.schema_name, groups=PETUGAS_GROUPS, superusers="fallback")


def notice_mark_sent(message: OutboxMessage) -> None:
    """Outbox hook (inbox/apps.py): the notice shows when, to whom and after how many tries."""
    Notification.objects.filter(key=message.key.removeprefix("inbox:")).update(
        sent_at=message.sent_at, recipients=message.recipients, attempts=message.attempts
    )
