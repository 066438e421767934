"""Activation: an SOP in force, a publication SOP bound to the news section's Wagtail workflow."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from cms.selectors import news_index_page
from core.audit import record_change
from core.errors import Conflict, SimpulError

from ..models import Sop, SopStep
from ..permissions import grant_step_permissions
from ._steps import STEP_FIELDS, _clean_steps

logger = logging.getLogger("simpul.sop")
User = get_user_model()


def _check_activation(sop: Sop, replacing: Sop | None) -> list[SopStep]:
    steps = list(sop.steps.select_related("role").order_by("order"))
    _clean_steps(sop.kind, [{f: getattr(s, f) for f in STEP_FIELDS} for s in steps])
    for step in steps:
        if not step.role.user_set.filter(is_active=True).exists():
            raise SimpulError(
                f"Langkah {step.order}: grup pelaksana “{step.role.name}” belum memiliki "
                "anggota aktif. Tambahkan anggota ke grup itu sebelum SOP diberlakukan.",
                field="steps",
            )
    if sop.kind == Sop.Kind.PUBLIKASI:
        other = (
            Sop.objects.filter(kind=Sop.Kind.PUBLIKASI, status=Sop.Status.AKTIF)
            .exclude(pk=sop.pk)
            .exclude(pk=getattr(replacing, "pk", None))
            .first()
        )
        if other is not None:
            raise Conflict(
                f"Sudah ada SOP publikasi yang berlaku (“{other.title}” versi {other.version}). "
                "Cabut SOP itu terlebih dahulu sebelum memberlakukan SOP publikasi lain."
            )
    return steps


def _news_index():
    index = news_index_page()
    if index is None:
        raise SimpulError(
            "Bagian berita (indeks berita) belum ada di situs instansi; SOP publikasi belum "
            "dapat diterapkan. Buat halaman indeks berita terlebih dahulu."
        )
    return index


def _grant_role_permissions(steps: list[SopStep], index: Page) -> None:
    """Every role may enter the admin; drafting roles add and edit news; the uploading role may
    publish, which Wagtail requires of whoever approves the workflow's last task (a direct
    publish is still refused by the hooks in `wagtail_hooks`). Each role also gets the
    assignment permissions of its stage (sop/permissions.py)."""
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    page_ct = ContentType.objects.get(app_label="wagtailcore", model="page")
    page_perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type=page_ct, codename__in=["add_page", "change_page", "publish_page"]
        )
    }
    wanted = {
        SopStep.Stage.PENUGASAN: ("add_page", "change_page"),
        SopStep.Stage.PENYUSUNAN: ("add_page", "change_page"),
        SopStep.Stage.PUBLIKASI: ("add_page", "change_page", "publish_page"),
    }
    for step in steps:
        step.role.permissions.add(access_admin)
        for codename in wanted.get(step.stage, ()):
            GroupPagePermission.objects.get_or_create(
                group=step.role, page=index, permission=page_perms[codename]
            )
    grant_step_permissions(steps)


def _bind_workflow(sop: Sop, steps: list[SopStep]) -> Workflow:
    """A Wagtail workflow of the version's review steps, attached to the news section."""
    index = _news_index()
    _grant_role_permissions(steps, index)
    workflow = Workflow.objects.create(name=f"SOP {sop.title} (versi {sop.version})"[:255])
    sort_order = 0
    for step in steps:
        if not step.is_workflow_task:
            continue
        task = GroupApprovalTask.objects.create(
            name=f"Langkah {step.order} · {step.role.name}: {step.activity}"[:255]
        )
        task.groups.set([step.role])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=sort_order)
        sort_order += 1
        step.task = task
        step.save(update_fields=["task"])
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


def _activate(*, actor, sop: Sop, replacing: Sop | None) -> Sop:
    steps = _check_activation(sop, replacing)
    now = timezone.now()
    if replacing is not None:
        # Retire first: the partial unique index allows one active publication SOP at a time.
        replacing.status = Sop.Status.NONAKTIF
        replacing.retired_at = now
        replacing.save(update_fields=["status", "retired_at"])
    if sop.kind == Sop.Kind.PUBLIKASI:
        sop.workflow = _bind_workflow(sop, steps)
    sop.status = Sop.Status.AKTIF
    sop.activated_at = now
    sop.save(update_fields=["status", "activated_at", "workflow"])
    record_change(
        actor=actor,
        action="sop.activate",
        obj=sop,
        summary=f"SOP {sop.title} versi {sop.version} diberlakukan",
        before={"replacing": str(replacing) if replacing else None},
        after={"status": sop.status, "workflow": sop.workflow_id},
    )
    return sop
