"""Deadline notices of SOP steps: an in-app notice per executor, its e-mail in the kernel's outbox.

A notice is unique per step record, attempt, level and recipient, and its mail's outbox key is
the notice's, so neither a second sweep nor a retry sends anything twice. The mail is delivered
only by the kernel (`core.tasks.deliver_outbox_message` after commit, then its one sweeper
`core.tasks.sweep_outbox` for what the queue or the mail server lost).
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from core.actions import action
from core.errors import NotFound
from core.outbox import outbox_enqueue
from tenants.services import instansi_url

from ..models import Assignment, Notification, StepRecord
from .timing import _sync_assignment

OUTBOX_KIND = "sop.batas_waktu"


def _recipients(record: StepRecord) -> list:
    if record.executor_id:
        return [record.executor]
    return list(record.step.role.user_set.filter(is_active=True).order_by("pk"))


def _admin_url(path: str) -> str:
    tenant = getattr(connection, "tenant", None)
    if tenant is None or not getattr(tenant, "schema_name", None):
        return path
    return instansi_url(tenant, path)


@action("sop.deadline_sweep", "Pemberitahuan batas waktu SOP")
def deadline_sweep(*, now: datetime | None = None) -> list[Notification]:
    """Notify executors once at 80 % and once at 100 % of a running step's standard time.

    Idempotent: a notification is unique per step record, attempt, level and recipient, so
    running the sweep again (or twice at once) never sends a second notice.
    """
    now = now or timezone.now()
    for assignment in Assignment.objects.filter(completed_at__isnull=True).only("pk"):
        _sync_assignment(assignment)
    running = (
        StepRecord.objects.filter(state=StepRecord.State.BERJALAN, started_at__isnull=False)
        .select_related("step__role", "assignment", "executor")
        .order_by("pk")
    )
    created: list[Notification] = []
    for record in running:
        standard = record.step.standard_minutes
        ratio = record.elapsed_minutes(now) / standard
        level = 100 if ratio >= 1 else 80 if ratio >= 0.8 else None
        if level is None:
            continue
        title = record.assignment.event
        if level == 100:
            subject = f"Langkah {record.step.order} melewati batas waktu: {title}"
            lead = "telah melewati"
        else:
            subject = f"Langkah {record.step.order} mendekati batas waktu: {title}"
            lead = "mencapai 80 % dari"
        message = (
            f"Langkah {record.step.order} ({record.step.activity}) untuk “{title}” {lead} "
            f"standar waktu {standard} menit (berjalan {record.elapsed_minutes(now):.0f} menit "
            f"sejak {timezone.localtime(record.started_at):%d-%m-%Y %H:%M})."
        )
        url = _admin_url(f"/admin/sop/penugasan/{record.assignment_id}/")
        for user in _recipients(record):
            notification, is_new = Notification.objects.get_or_create(
                record=record,
                attempt=record.attempt or 1,
                level=level,
                recipient=user,
                defaults={
                    "subject": subject[:255],
                    "message": f"{message}\n{url}",
                    "url": url,
                    "email": user.email or "",
                },
            )
            if is_new:
                created.append(notification)
                if notification.email:
                    outbox_enqueue(
                        key=notification.outbox_key,
                        kind=OUTBOX_KIND,
                        recipients=[notification.email],
                        subject=notification.subject,
                        body=notification.message,
                    )
    return created


@action("sop.notification.read", "Notifikasi SOP dibaca")
def notification_mark_read(*, actor, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if notification is None:
        raise NotFound("Notifikasi tidak ditemukan.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
