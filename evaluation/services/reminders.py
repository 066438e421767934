"""Deadline reminders to instansi, sent through the outbox."""

import datetime

from django.db import IntegrityError, transaction

from core.actions import action
from core.outbox import outbox_enqueue, staff_emails
from tenants.models import Instansi

from .. import roles
from ..models import (
    ReportReminder,
)


@action("report.remind", "Pengingat laporan tahunan dikirim")
def report_reminder_create(
    *, instansi: Instansi, year: int, deadline: datetime.date, days_left: int
) -> int | None:
    """Record one deadline reminder and put its mail in the outbox, in one transaction.

    Returns the outbox message's id, or None when this reminder was made before (the reminder
    row is unique per instansi, year and day)."""
    try:
        with transaction.atomic():
            reminder = ReportReminder.objects.create(
                instansi=instansi, year=year, days_before=days_left
            )
    except IntegrityError:
        return None  # already reminded
    recipients = staff_emails(
        instansi.schema_name, groups=roles.REPORT_SUBMITTER_GROUPS, superusers="always"
    )
    ReportReminder.objects.filter(pk=reminder.pk).update(recipients=len(recipients))
    message = outbox_enqueue(
        key=f"laporan:{instansi.pk}:{year}:{days_left}",
        kind="evaluation.pengingat",
        recipients=recipients,
        subject=f"Pengingat: laporan tahunan {year} jatuh tempo {deadline:%d-%m-%Y}",
        body=(
            f"Laporan tahunan layanan informasi melalui media sosial {instansi.name} tahun "
            f"{year} wajib disampaikan kepada Bupati melalui Diskominfo paling lambat "
            f"{deadline:%d-%m-%Y} ({days_left} hari lagi). Susun dan sampaikan "
            "laporan melalui menu 'Laporan Tahunan' di admin situs instansi Anda."
        ),
    )
    return message.pk if message is not None else None
