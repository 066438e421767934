"""Assignments: one timed record from the penugasan to the shares on the official accounts."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from wagtail.models import (
    Page,
    WorkflowPage,
)

from cms.models import NewsCategory, NewsPage
from core.actions import action
from core.audit import model_snapshot, record_change
from core.errors import Conflict, Forbidden, SimpulError
from core.validation import full_clean
from tenants.registry.selectors import official_account_list_active

from ..models import Assignment, Share, Sop, SopStep
from ..permissions import ASSIGN, DRAFT, SHARE
from ..selectors import active_publication_sop
from .steps_flow import sync_and_notify
from .timing import _sync_assignment
from .workflow import _news_index

logger = logging.getLogger("simpul.sop")
User = get_user_model()


def _in_role(user, step: SopStep | None) -> bool:
    if step is None:
        return False
    return bool(user.is_superuser or user.groups.filter(pk=step.role_id).exists())


def _stage_step(sop: Sop, stage: str) -> SopStep | None:
    return sop.steps.select_related("role").filter(stage=stage).order_by("order").first()


@action("sop.assignment.create", "Penugasan liputan dibuat", permission=ASSIGN)
def assignment_create(
    *,
    actor,
    event: str,
    place: str,
    event_at: datetime,
    assignee,
    nota_dinas: str = "",
) -> Assignment:
    """Step 1: the Kasubbag assigns a staff member to cover an event (penugasan liputan)."""
    sop = active_publication_sop()
    if sop is None:
        raise Conflict("Belum ada SOP publikasi yang berlaku; penugasan tidak dapat dibuat.")
    first = _stage_step(sop, SopStep.Stage.PENUGASAN)
    drafting = _stage_step(sop, SopStep.Stage.PENYUSUNAN)
    if first is None:
        raise Conflict("SOP publikasi yang berlaku tidak memiliki langkah penugasan liputan.")
    if not _in_role(actor, first):
        raise Forbidden(
            f"Hanya anggota grup “{first.role.name}” yang dapat membuat penugasan liputan."
        )
    if assignee is None or not getattr(assignee, "pk", None):
        raise SimpulError("Petugas liputan wajib dipilih.", field="assignee")
    if drafting is not None and not _in_role(assignee, drafting):
        raise SimpulError(
            f"{assignee.get_full_name() or assignee.get_username()} bukan anggota grup "
            f"“{drafting.role.name}” yang menyusun draf berita.",
            field="assignee",
        )
    if event_at is None:
        raise SimpulError("Waktu kegiatan wajib diisi.", field="event_at")
    if not (place or "").strip():
        # Blank only for an item started in the editor; a penugasan names where to cover.
        raise SimpulError("Tempat: Bidang ini tidak boleh kosong.", field="place")
    assignment = Assignment(
        sop=sop,
        event=(event or "").strip(),
        place=(place or "").strip(),
        event_at=event_at,
        assignee=assignee,
        nota_dinas=(nota_dinas or "").strip(),
        created_by=actor,
    )
    full_clean(
        assignment,
        labels={"event": "Kegiatan", "place": "Tempat", "nota_dinas": "Nomor nota dinas"},
    )
    assignment.save()
    sync_and_notify(assignment)
    record_change(
        actor=actor,
        action="sop.assignment.create",
        obj=assignment,
        summary=f"Penugasan liputan {assignment.event} kepada {assignee.get_username()}",
        after=model_snapshot(assignment, ["event", "place", "event_at", "nota_dinas"]),
    )
    return assignment


@action("sop.assignment.draft", "Draf berita dibuat dari penugasan", permission=DRAFT)
def assignment_start_draft(*, actor, assignment: Assignment, title: str = "") -> Page:
    """Step 2 begins: the assignee's draft news page, made from the assignment and linked to it."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.page_id:
        raise Conflict("Draf berita untuk penugasan ini sudah dibuat.")
    if not (actor.is_superuser or actor.pk == assignment.assignee_id):
        raise Forbidden("Hanya petugas yang ditugaskan yang dapat membuat draf berita ini.")
    index = _news_index()
    now = timezone.now()
    page = NewsPage(
        title=(title or assignment.event).strip()[:255],
        date=timezone.localdate(assignment.event_at),
        lead=f"{assignment.event}, {assignment.place}."[:600],
        category=NewsCategory.KEGIATAN,
        tagar="#Kegiatan",
        live=False,
        owner=actor,
    )
    index.add_child(instance=page)
    page.save_revision(user=actor, log_action=True)
    if assignment.sop.workflow_id:
        # The item keeps the workflow of the SOP version it started with, even when a newer
        # version has taken over the news section by the time the draft is made.
        WorkflowPage.objects.create(page=page, workflow_id=assignment.sop.workflow_id)
    assignment.page = page
    assignment.draft_created_at = now
    assignment.save(update_fields=["page", "draft_created_at"])
    sync_and_notify(assignment)
    record_change(
        actor=actor,
        action="sop.assignment.draft",
        obj=assignment,
        summary=f"Draf berita “{page.title}” dibuat dari penugasan",
        after={"page": page.pk},
    )
    return page


@action("sop.assignment.shares", "Unggahan ke akun resmi dicatat", permission=SHARE)
def assignment_record_shares(*, actor, assignment: Assignment, shares: list[dict]) -> list[Share]:
    """Step 5 ends: where the published item was posted (official account + post URL)."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("page")
        .get(pk=assignment.pk)
    )
    step = _stage_step(assignment.sop, SopStep.Stage.PUBLIKASI)
    if step is not None and not _in_role(actor, step):
        raise Forbidden(f"Hanya anggota grup “{step.role.name}” yang dapat mencatat unggahan.")
    if assignment.page is None or not assignment.page.live:
        raise Conflict(
            "Berita belum terbit di situs; unggahan media sosial dicatat setelah terbit."
        )
    if not shares:
        raise SimpulError(
            "Isikan minimal satu unggahan (akun resmi dan tautannya).", field="shares"
        )
    accounts = _official_accounts()
    validate_url = URLValidator(schemes=["http", "https"])
    existing = set(assignment.shares.values_list("post_url", flat=True))
    now = timezone.now()
    created: list[Share] = []
    for number, raw in enumerate(shares, start=1):
        url = (raw.get("post_url") or "").strip()
        try:
            validate_url(url)
        except ValidationError as exc:
            raise SimpulError(
                f"Unggahan ke-{number}: tautan {url!r} bukan URL http(s) yang sah.",
                field="shares",
            ) from exc
        if url in existing:
            raise SimpulError(f"Unggahan ke-{number}: tautan itu sudah dicatat.", field="shares")
        existing.add(url)
        account_id = raw.get("account")
        label = (raw.get("account_label") or "").strip()
        if account_id not in (None, ""):
            account = accounts.get(str(account_id))
            if account is None:
                raise SimpulError(
                    f"Unggahan ke-{number}: akun resmi {account_id!r} tidak ditemukan atau "
                    "tidak aktif.",
                    field="shares",
                )
            label = f"{account.get_platform_display()} · {account}"
        elif not label:
            raise SimpulError(f"Unggahan ke-{number}: pilih akun resmi.", field="shares")
        share = Share(
            assignment=assignment,
            account_label=label[:255],
            account_ref=int(account_id) if account_id not in (None, "") else None,
            post_url=url,
            recorded_by=actor,
            recorded_at=now,
        )
        share.full_clean()
        share.save()
        created.append(share)
    if assignment.shares_recorded_at is None:
        assignment.shares_recorded_at = now
        assignment.save(update_fields=["shares_recorded_at"])
    _sync_assignment(assignment)
    record_change(
        actor=actor,
        action="sop.assignment.shares",
        obj=assignment,
        summary=f"{len(created)} unggahan media sosial dicatat",
        after={"urls": [s.post_url for s in created]},
    )
    return created


def _official_accounts() -> dict[str, Any]:
    return {str(a.pk): a for a in official_account_list_active()}
