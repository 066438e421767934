"""Where an item stands in its five steps: the news page started in the editor, the line that
says which step is done and who acts next, and the notice to whoever acts next.

The "next" notices are `Notification` rows of level GILIRAN, unique per step record, attempt and
recipient like the deadline notices, so Wagtail's signals firing again send nothing twice.
"""

from __future__ import annotations

from django.utils import timezone
from wagtail.models import Page, WorkflowPage

from cms.models import NewsPage
from core.actions import action
from core.audit import record_change
from core.outbox import outbox_enqueue

from ..models import Assignment, Notification, SopStep, StepRecord
from ..selectors import active_publication_sop
from .notifications import OUTBOX_KIND, _admin_url
from .timing import _sync_assignment
from .workflow import _news_index


def _name(user) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def format_minutes(minutes: int) -> str:
    """A step's standard time as the regulation's table says it: "5 menit", "1 jam"."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} menit"
    return f"{hours} jam" if not rest else f"{hours} jam {rest} menit"


_DONE = {
    SopStep.Stage.PENUGASAN: "penugasan liputan diberikan",
    SopStep.Stage.PENYUSUNAN: "draf diajukan untuk koreksi",
    SopStep.Stage.PUBLIKASI: "berita terbit dan unggahannya dicatat",
}
_NEXT = {
    SopStep.Stage.PENUGASAN: "memberi penugasan liputan",
    SopStep.Stage.PENYUSUNAN: "menyusun draf berita lalu mengirimnya untuk koreksi",
    SopStep.Stage.TINJAUAN: "mengoreksi draf",
    SopStep.Stage.PUBLIKASI: "menerbitkan berita dan mencatat unggahannya di akun resmi",
}


def _done_phrase(record: StepRecord) -> str:
    step = record.step
    if step.stage == SopStep.Stage.PENUGASAN and record.assignment.origin == "editor":
        return f"berita dimulai di editor oleh {_name(record.executor)}"
    if step.stage == SopStep.Stage.TINJAUAN:
        return f"draf disetujui {step.role.name}"
    return _DONE.get(step.stage, "langkah dikerjakan")


def step_message(assignment: Assignment) -> str:
    """One line: the last step done (or the correction sent back) and who acts next."""
    records = list(
        assignment.records.select_related(
            "step__role", "executor", "assignment__assignee"
        ).order_by("step__order")
    )
    if not records:
        return ""
    assignment = records[0].assignment  # fresh: the caller's copy may predate the publication
    returned = [r for r in records if r.state == StepRecord.State.DIKEMBALIKAN]
    if returned:
        record = returned[-1]
        drafting = next((r for r in records if r.step.stage == SopStep.Stage.PENYUSUNAN), None)
        standard = (
            f" (standar {format_minutes(drafting.step.standard_minutes)})" if drafting else ""
        )
        return (
            f"Langkah {record.step.order} dikembalikan oleh {record.step.role.name}: draf perlu "
            f"diperbaiki. Berikutnya: {_name(assignment.assignee)} memperbaiki draf lalu "
            f"mengirimnya kembali untuk koreksi{standard}."
        )
    if all(r.state == StepRecord.State.SELESAI for r in records):
        return (
            f"Langkah {records[-1].step.order} selesai: {_done_phrase(records[-1])}. "
            "Semua langkah SOP telah selesai."
        )
    running = next((r for r in records if r.state == StepRecord.State.BERJALAN), None)
    done = [r for r in records if r.state == StepRecord.State.SELESAI]
    if running is None:
        return ""
    step = running.step
    if step.stage == SopStep.Stage.PUBLIKASI and assignment.published_at:
        return (
            f"Langkah {step.order}: berita telah terbit. Berikutnya: {step.role.name} mencatat "
            f"unggahan di akun resmi pada layar penugasan (standar "
            f"{format_minutes(step.standard_minutes)})."
        )
    if step.stage == SopStep.Stage.PENUGASAN:
        return (
            f"Penugasan liputan diberikan kepada {_name(assignment.assignee)}. Berikutnya: "
            f"{_name(assignment.assignee)} membuat draf berita dari penugasan (langkah "
            f"{step.order}, standar {format_minutes(step.standard_minutes)})."
        )
    who = step.role.name
    if step.stage == SopStep.Stage.PENYUSUNAN:
        who = f"{_name(assignment.assignee)} ({step.role.name})"
    next_line = (
        f"Berikutnya: {who} {_NEXT.get(step.stage, 'mengerjakan langkah ini')} "
        f"(standar {format_minutes(step.standard_minutes)})."
    )
    if not done:
        return f"Langkah {step.order} berjalan. {next_line}"
    last = done[-1]
    return f"Langkah {last.step.order} selesai: {_done_phrase(last)}. {next_line}"


def _notice_targets(assignment: Assignment, records: list[StepRecord]):
    """(record, recipients) of whoever must act now: a running review task's role, the drafter
    of a draft sent back, the assignee of a fresh penugasan, the uploader of a published item."""
    for record in records:
        step = record.step
        if record.state == StepRecord.State.DIKEMBALIKAN:
            yield record, [assignment.assignee]
        elif record.state != StepRecord.State.BERJALAN:
            continue
        elif step.stage == SopStep.Stage.PENUGASAN:
            yield record, [assignment.assignee]
        elif step.is_workflow_task:
            users = [record.executor] if record.executor_id else None
            yield record, users or list(step.role.user_set.filter(is_active=True).order_by("pk"))


def _notify_next(assignment: Assignment, records: list[StepRecord]) -> list[Notification]:
    """The in-app notice and its mail (through the outbox) to whoever acts next; once per step
    attempt and person."""
    message = step_message(assignment)
    url = _admin_url(f"/admin/sop/penugasan/{assignment.pk}/")
    created: list[Notification] = []
    for record, users in _notice_targets(assignment, records):
        subject = f"Giliran Anda: langkah {record.step.order} · {assignment.event}"
        for user in users:
            notification, is_new = Notification.objects.get_or_create(
                record=record,
                attempt=record.attempt or 1,
                level=Notification.Level.GILIRAN,
                recipient=user,
                defaults={
                    "subject": subject[:255],
                    "message": f"{message}\n{url}",
                    "url": url,
                    "email": user.email or "",
                },
            )
            if not is_new:
                continue
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


def sync_and_notify(assignment: Assignment) -> list[StepRecord]:
    """Re-measure the assignment, then tell whoever acts next. Not an action: Wagtail's workflow
    signals call it inside Wagtail's own transaction."""
    records = _sync_assignment(assignment)
    assignment = Assignment.objects.select_related("assignee").get(pk=assignment.pk)
    _notify_next(assignment, records)
    return records


def sync_and_notify_for_page(page_id: int | str | None) -> None:
    if page_id in (None, ""):
        return
    assignment = Assignment.objects.filter(page_id=int(page_id)).first()
    if assignment is not None:
        sync_and_notify(assignment)


def _is_sop_news(page: Page) -> bool:
    if not isinstance(page.specific, NewsPage):
        return False
    index = _news_index()
    return page.is_descendant_of(index)


@action("sop.assignment.editor", "Berita dari editor masuk alur SOP", permission=None)
def assignment_start_from_editor(*, actor, page: Page) -> Assignment | None:
    """A news page created in the page editor joins the SOP in force at the drafting step.

    The creator decided to cover it: step 1 is recorded as theirs at the page's creation (no
    nota dinas), step 2 runs from the first revision until the draft is submitted, and the item
    keeps the workflow of the version in force now, as an item started from a penugasan does.
    None when no publication SOP is in force or the page is not a news item. It names no
    permission of its own: it follows a page the actor was allowed to create, which Wagtail's
    page permissions decided."""
    sop = active_publication_sop()
    if sop is None or not _is_sop_news(page):
        return None
    existing = Assignment.objects.filter(page_id=page.pk).first()
    if existing is not None:
        return existing
    first_revision = page.revisions.order_by("created_at", "id").first()
    started = first_revision.created_at if first_revision else timezone.now()
    assignment = Assignment.objects.create(
        sop=sop,
        event=page.title[:255],
        place="",
        event_at=started,
        assignee=actor,
        created_by=actor,
        origin=Assignment.Origin.EDITOR,
        page=page,
        draft_created_at=started,
    )
    # The SOP clock of step 1 starts with the page, not with this row.
    Assignment.objects.filter(pk=assignment.pk).update(created_at=started)
    if sop.workflow_id and not WorkflowPage.objects.filter(page=page).exists():
        WorkflowPage.objects.create(page=page, workflow_id=sop.workflow_id)
    sync_and_notify(assignment)
    record_change(
        actor=actor,
        action="sop.assignment.editor",
        obj=assignment,
        summary=f"Berita “{page.title}” dibuat di editor dan masuk alur SOP",
        after={"page": page.pk, "origin": assignment.origin},
    )
    return assignment
