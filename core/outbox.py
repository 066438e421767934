"""The one outbox: enqueue a message with the change, deliver it after commit, retry the rest.

- `outbox_enqueue` writes the row in the caller's transaction (exactly once per key) and asks
  for its delivery when that transaction commits;
- `outbox_deliver` claims the row for a lease with one committed UPDATE, sends the mail with no
  transaction and no row lock open (a hung mail server holds nothing for `EMAIL_TIMEOUT`), and
  marks it sent; a failed send releases the claim and raises, so the task retries; a claim
  whose worker died runs out after the lease, and the next try delivers;
- `outbox_sweep` (one periodic task) delivers whatever the queue lost or the mail server refused.
Mail is never sent with `fail_silently`.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tenants.utils import schema_context

from . import tasks
from .models import OutboxMessage
from .queue import send_on_commit

logger = logging.getLogger("simpul.outbox")


# What an app does when one of its messages is delivered (e.g. the inbox shows the notice as
# sent), registered by the app in its AppConfig.ready(): the kernel names no app.
_delivered_hooks: dict[str, Callable[[OutboxMessage], None]] = {}


def _lease() -> timedelta:
    """How long a claim holds: a send that outlives it is given up for dead (a killed worker),
    so the message is delivered again by the next try; longer than one hung send."""
    return timedelta(seconds=int(getattr(settings, "EMAIL_TIMEOUT", None) or 30) + 15)


def on_delivered(kind: str, hook: Callable[[OutboxMessage], None]) -> None:
    """Call `hook(message)` in the transaction that marks a message of `kind` sent."""
    _delivered_hooks[kind] = hook


def outbox_retry_in(message_id: int) -> float | None:
    """Seconds until the claim on an unsent message runs out (0: free); None once it is sent."""
    row = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if row is None:
        return None
    if row.claimed_until is None:
        return 0.0
    return max(0.0, (row.claimed_until - timezone.now()).total_seconds())


def staff_emails(
    schema_name: str, *, groups: Iterable[str], superusers: str = "fallback"
) -> list[str]:
    """E-mail addresses of an instansi's active users in `groups`; its superusers too
    (`superusers="always"`) or only when nobody of the groups has an address ("fallback")."""
    with schema_context(schema_name):
        users = get_user_model().objects.filter(is_active=True).exclude(email="")
        in_groups = users.filter(groups__name__in=list(groups))
        if superusers == "always":
            in_groups = users.filter(Q(is_superuser=True) | Q(groups__name__in=list(groups)))
        emails = set(in_groups.values_list("email", flat=True))
        if not emails and superusers == "fallback":
            emails = set(users.filter(is_superuser=True).values_list("email", flat=True))
    return sorted(emails)


def outbox_enqueue(
    *,
    key: str,
    kind: str,
    recipients: Iterable[str],
    subject: str,
    body: str,
) -> OutboxMessage | None:
    """Add one message (None when its key was enqueued before) and deliver it after commit by
    the kernel's task (`core.tasks.deliver_outbox_message`), the one delivery path of every
    app's mail; `core.tasks.sweep_outbox` retries what it could not deliver."""
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key[:200],
                kind=kind,
                schema_name=connection.schema_name or "",
                recipients=", ".join(sorted(set(recipients))),
                subject=subject[:255],
                body=body,
                created_at=timezone.now(),
            )
    except IntegrityError:
        return None  # already enqueued: exactly one message per key
    send_on_commit(tasks.deliver_outbox_message, message.pk)
    return message


def outbox_deliver(*, message_id: int) -> bool:
    """Send one message if it is unsent and nobody holds it; True when this call sent it."""
    now = timezone.now()
    claimed = (
        OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + _lease())
    )
    if not claimed:
        return False  # sent already, or another worker is sending it right now
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        if message.recipient_list:
            send_mail(
                message.subject,
                message.body,
                settings.DEFAULT_FROM_EMAIL,
                message.recipient_list,
                fail_silently=False,
            )
    except Exception as exc:
        OutboxMessage.objects.filter(pk=message_id).update(
            claimed_until=None,
            last_error=f"{exc.__class__.__name__}: {exc}"[:500],
            attempts=F("attempts") + 1,
        )
        raise
    with transaction.atomic():
        # `attempts` counts the tries that ended (sent or refused): a worker killed mid-send
        # leaves only its expired claim behind.
        OutboxMessage.objects.filter(pk=message_id).update(
            sent_at=timezone.now(), claimed_until=None, last_error="", attempts=F("attempts") + 1
        )
        hook = _delivered_hooks.get(message.kind)
        if hook is not None:
            message.refresh_from_db()
            hook(message)
    return True


def outbox_message_id(key: str) -> int | None:
    return OutboxMessage.objects.filter(key=key).values_list("pk", flat=True).first()


def outbox_sent_at(key: str):
    """When the message of `key` was delivered (None: not yet, or never enqueued)."""
    return OutboxMessage.objects.filter(key=key).values_list("sent_at", flat=True).first()


def outbox_pending(
    *, older_than_seconds: int = 60, limit: int = 500, kind: str = "", schema_name: str = ""
) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)
    if kind:
        pending = pending.filter(kind=kind)
    if schema_name:
        pending = pending.filter(schema_name=schema_name)
    return list(pending.order_by("created_at").values_list("pk", flat=True)[:limit])


def outbox_sweep(
    *, older_than_seconds: int = 60, limit: int = 500, kind: str = "", schema_name: str = ""
) -> int:
    """Deliver what the queue did not (broker down, worker lost, mail refused): how many sent.

    One failing message does not stop the others; it stays unsent for the next sweep."""
    sent = 0
    pending = outbox_pending(
        older_than_seconds=older_than_seconds, limit=limit, kind=kind, schema_name=schema_name
    )
    for pk in pending:
        try:
            sent += outbox_deliver(message_id=pk)
        except Exception:  # noqa: BLE001 - recorded on the row (last_error), retried next sweep
            logger.warning("outbox message %s not delivered", pk, exc_info=True)
    return sent
