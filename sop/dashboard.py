"""SOP panel of the admin home: the steps now waiting for the user's role, with the step's time
standard and how long it has waited, linked to where the step is done (the news page's editor
while a draft exists, otherwise the assignment)."""

from datetime import timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from tenants.dashboard import WorkItem, WorkPanel, countdown, duration_label

from .models import StepRecord

OPEN = (StepRecord.State.BERJALAN, StepRecord.State.DIKEMBALIKAN)


def steps_waiting_for(user) -> QuerySet[StepRecord]:
    """Started, unfinished steps whose role is one of `user`'s groups (every role for a
    superuser), longest waiting first. sop.selectors has no per-role read of open steps."""
    records = StepRecord.objects.filter(state__in=OPEN, finished_at__isnull=True)
    if not user.is_superuser:
        records = records.filter(step__role__in=user.groups.all())
    return records.select_related("step__role", "assignment__page").order_by("started_at", "id")


def _minutes(value: int) -> str:
    hours, minutes = divmod(value, 60)
    if hours and minutes:
        return f"{hours} jam {minutes} menit"
    return f"{hours} jam" if hours else f"{minutes} menit"


class SopStepsPanel(WorkPanel):
    name = "langkah-sop"
    title = "Langkah SOP yang menunggu peran saya"
    empty_text = "Tidak ada langkah SOP yang menunggu Anda."
    order = 20

    @classmethod
    def shown_to(cls, request) -> bool:
        return getattr(request, "tenant", None) is not None

    def more_url(self) -> str:
        return reverse("sop:assignment_index")

    def get_items(self) -> list[WorkItem]:
        now = timezone.now()
        items = []
        for record in steps_waiting_for(self.request.user)[: self.limit + 1]:
            step, assignment = record.step, record.assignment
            started = record.started_at or now
            standard = step.standard_minutes
            badge, tone = countdown(
                started + timedelta(minutes=standard),
                window=timedelta(minutes=standard),
                now=now,
            )
            if record.state == StepRecord.State.DIKEMBALIKAN:
                badge, tone = f"Dikembalikan · {badge}", "warning"
            url = (
                reverse("wagtailadmin_pages:edit", args=[assignment.page_id])
                if assignment.page_id
                else reverse("sop:assignment_detail", args=[assignment.pk])
            )
            items.append(
                WorkItem(
                    title=f"Langkah {step.order} · {assignment.event}",
                    url=url,
                    details=[
                        Truncator(step.activity).chars(110),
                        f"Peran: {step.role.name if step.role_id else '-'}",
                        f"Standar waktu {_minutes(standard)} · menunggu "
                        f"{duration_label(now - started)}",
                    ],
                    badge=badge,
                    tone=tone,
                )
            )
        return items
