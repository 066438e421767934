"""Writes of the SOP app: versions, activation bound to a Wagtail workflow, assignments, timing.

Every function here is one transaction with its audit record; a broken rule raises SimpulError
before anything is written, so the SOP in force stays exactly as it was.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from core.audit import audit_record, model_snapshot
from core.errors import Conflict, Forbidden, NotFound, SimpulError
from core.queue import send_on_commit

from .blueprints import BLUEPRINTS
from .models import Assignment, Notification, Share, Sop, SopStep, StepRecord

logger = logging.getLogger("simpul.sop")
User = get_user_model()

STEP_FIELDS = (
    "order",
    "activity",
    "role",
    "symbol",
    "stage",
    "kelengkapan",
    "standard_minutes",
    "output",
    "notes",
)
NOTIFY_LEVELS = (80, 100)


# --- validation ---------------------------------------------------------------------------------


def _as_group(value: Any, order: Any) -> Group | None:
    if value in (None, ""):
        return None
    if isinstance(value, Group):
        return value
    try:
        return Group.objects.get(pk=int(value))
    except (Group.DoesNotExist, TypeError, ValueError) as exc:
        raise SimpulError(
            f"Langkah {order}: grup pelaksana {value!r} tidak ditemukan.", field="steps"
        ) from exc


def _clean_steps(kind: str, steps: list[dict]) -> list[dict]:
    """Normalised step data, or SimpulError naming the first broken rule (Indonesian)."""
    if not steps:
        raise SimpulError("SOP harus memiliki minimal satu langkah.", field="steps")
    cleaned: list[dict] = []
    seen_orders: set[int] = set()
    for position, raw in enumerate(steps, start=1):
        order_raw = raw.get("order", position)
        try:
            order = int(order_raw)
        except (TypeError, ValueError) as exc:
            raise SimpulError(
                f"Nomor urut langkah ke-{position} harus berupa angka (diterima: {order_raw!r}).",
                field="steps",
            ) from exc
        if order < 1:
            raise SimpulError(
                f"Nomor urut langkah ke-{position} harus 1 atau lebih.", field="steps"
            )
        if order in seen_orders:
            raise SimpulError(
                f"Nomor urut langkah {order} dipakai lebih dari sekali; setiap langkah harus "
                "memiliki nomor urut sendiri.",
                field="steps",
            )
        seen_orders.add(order)
        activity = (raw.get("activity") or "").strip()
        if not activity:
            raise SimpulError(f"Langkah {order}: aktivitas wajib diisi.", field="steps")
        role = _as_group(raw.get("role"), order)
        if role is None:
            raise SimpulError(
                f"Langkah {order}: pelaksana (grup peran) wajib dipilih.", field="steps"
            )
        minutes_raw = raw.get("standard_minutes")
        try:
            minutes = int(minutes_raw)
        except (TypeError, ValueError) as exc:
            raise SimpulError(
                f"Langkah {order}: waktu harus berupa jumlah menit (diterima: {minutes_raw!r}).",
                field="steps",
            ) from exc
        if minutes <= 0:
            raise SimpulError(
                f"Langkah {order}: waktu harus lebih dari 0 menit (diterima: {minutes}).",
                field="steps",
            )
        symbol = raw.get("symbol") or SopStep.Symbol.PROSES
        if symbol not in SopStep.Symbol.values:
            raise SimpulError(
                f"Langkah {order}: simbol {symbol!r} tidak dikenal; pilih mulai, proses, "
                "keputusan atau selesai.",
                field="steps",
            )
        stage = raw.get("stage") or SopStep.Stage.LAINNYA
        if stage not in SopStep.Stage.values:
            raise SimpulError(f"Langkah {order}: tahap {stage!r} tidak dikenal.", field="steps")
        if kind != Sop.Kind.PUBLIKASI:
            stage = SopStep.Stage.LAINNYA
        cleaned.append(
            {
                "order": order,
                "activity": activity,
                "role": role,
                "symbol": symbol,
                "stage": stage,
                "kelengkapan": (raw.get("kelengkapan") or "").strip(),
                "standard_minutes": minutes,
                "output": (raw.get("output") or "").strip(),
                "notes": (raw.get("notes") or "").strip(),
            }
        )
    cleaned.sort(key=lambda s: s["order"])
    if not any(s["symbol"] == SopStep.Symbol.SELESAI for s in cleaned):
        raise SimpulError(
            "SOP harus memiliki langkah akhir dengan simbol Selesai (○).", field="steps"
        )
    if cleaned[-1]["symbol"] != SopStep.Symbol.SELESAI:
        raise SimpulError(
            f"Langkah terakhir (langkah {cleaned[-1]['order']}) harus bersimbol Selesai (○).",
            field="steps",
        )
    if kind == Sop.Kind.PUBLIKASI:
        stages = [s["stage"] for s in cleaned]
        for single in (SopStep.Stage.PENUGASAN, SopStep.Stage.PENYUSUNAN):
            if stages.count(single) > 1:
                raise SimpulError(
                    f"Tahap {SopStep.Stage(single).label.lower()} hanya boleh satu langkah.",
                    field="steps",
                )
        if not any(s in (SopStep.Stage.TINJAUAN, SopStep.Stage.PUBLIKASI) for s in stages):
            raise SimpulError(
                "SOP publikasi memerlukan minimal satu langkah koreksi atau unggah (tugas alur "
                "kerja), agar berita tidak dapat terbit tanpa melalui SOP.",
                field="steps",
            )
    return cleaned


def _clean_header(title: str, kind: str) -> tuple[str, str]:
    title = (title or "").strip()
    if not title:
        raise SimpulError("Judul SOP wajib diisi.", field="title")
    if len(title) > 255:
        raise SimpulError("Judul SOP paling panjang 255 karakter.", field="title")
    if kind not in Sop.Kind.values:
        raise SimpulError(
            f"Jenis SOP {kind!r} tidak dikenal; pilih: {', '.join(Sop.Kind.values)}.",
            field="kind",
        )
    return title, kind


def _check_decree(decree) -> None:
    if decree is not None and not getattr(decree, "pk", None):
        raise SimpulError("SK penetapan tidak ditemukan.", field="decree")


def _write_steps(sop: Sop, cleaned: list[dict]) -> None:
    sop.steps.all().delete()
    for data in cleaned:
        step = SopStep(sop=sop, **data)
        step.full_clean()
        step.save()


def _steps_snapshot(sop: Sop) -> list[dict]:
    return [
        {
            "order": s.order,
            "activity": s.activity,
            "role": s.role.name if s.role else None,
            "symbol": s.symbol,
            "stage": s.stage,
            "standard_minutes": s.standard_minutes,
            "output": s.output,
        }
        for s in sop.steps.select_related("role").order_by("order")
    ]


def steps_as_input(sop: Sop) -> list[dict]:
    """A version's steps in the input shape of `sop_update`, for editing a copy."""
    return [
        {field: getattr(step, field) for field in STEP_FIELDS}
        for step in sop.steps.select_related("role").order_by("order")
    ]


# --- SOP versions -------------------------------------------------------------------------------


@transaction.atomic
def sop_create(
    *, actor, title: str, kind: str, steps: list[dict], decree=None, template_key: str = ""
) -> Sop:
    """A new SOP (version 1, draft) with its steps."""
    title, kind = _clean_header(title, kind)
    _check_decree(decree)
    cleaned = _clean_steps(kind, steps)
    sop = Sop(
        title=title,
        kind=kind,
        decree=decree,
        template_key=template_key,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    sop.full_clean()
    sop.save()
    _write_steps(sop, cleaned)
    audit_record(
        actor=actor,
        action="sop.create",
        obj=sop,
        summary=f"SOP {sop.title} dibuat (draf)",
        after={**model_snapshot(sop, ["title", "kind", "version"]), "steps": _steps_snapshot(sop)},
    )
    return sop


@transaction.atomic
def sop_create_from_template(
    *, actor, template_key: str, roles: dict[str, Group] | None = None, title: str = ""
) -> Sop:
    """A draft SOP copied from a regulation's template; template roles map to the instansi's groups.

    A role the caller does not map becomes a group of the same name (created when missing), so
    the instansi can rename it or map it to its own structure before activating.
    """
    blueprint = BLUEPRINTS.get(template_key)
    if blueprint is None:
        raise SimpulError(
            f"Templat {template_key!r} tidak dikenal; pilih: {', '.join(BLUEPRINTS)}.",
            field="template",
        )
    roles = dict(roles or {})
    unknown = set(roles) - set(blueprint.roles)
    if unknown:
        raise SimpulError(
            f"Peran {', '.join(sorted(unknown))} tidak ada dalam templat.", field="roles"
        )
    for role_name in blueprint.roles:
        if roles.get(role_name) is None:
            roles[role_name], _ = Group.objects.get_or_create(name=role_name)
    steps = [
        {
            "order": s.order,
            "activity": s.activity,
            "role": roles[s.role],
            "symbol": s.symbol,
            "stage": s.stage,
            "kelengkapan": s.kelengkapan,
            "standard_minutes": s.standard_minutes,
            "output": s.output,
            "notes": s.notes,
        }
        for s in blueprint.steps
    ]
    return sop_create(
        actor=actor,
        title=title or blueprint.title,
        kind=blueprint.kind,
        steps=steps,
        template_key=blueprint.key,
    )


@transaction.atomic
def sop_update(
    *,
    actor,
    sop: Sop,
    steps: list[dict] | None = None,
    title: str | None = None,
    decree: Any = ...,
) -> Sop:
    """Change an SOP. A draft changes in place; an active SOP gets a new, active version.

    Assignments already running keep the version (and so the steps and standards) they began
    with; the news section's workflow moves to the new version for items submitted from now on.
    """
    sop = Sop.objects.select_for_update().get(pk=sop.pk)
    if sop.status == Sop.Status.NONAKTIF:
        raise Conflict(
            f"SOP {sop} sudah tidak berlaku dan tidak dapat diubah; ubah versi yang berlaku."
        )
    new_title, kind = _clean_header(title if title is not None else sop.title, sop.kind)
    new_decree = sop.decree if decree is ... else decree
    _check_decree(new_decree)
    cleaned = _clean_steps(kind, steps if steps is not None else steps_as_input(sop))
    before = {"title": sop.title, "version": sop.version, "steps": _steps_snapshot(sop)}
    if sop.status == Sop.Status.DRAF:
        sop.title, sop.decree = new_title, new_decree
        sop.full_clean()
        sop.save()
        _write_steps(sop, cleaned)
        target = sop
    else:
        latest = Sop.objects.filter(lineage=sop.lineage).order_by("-version").first()
        target = Sop(
            lineage=sop.lineage,
            version=latest.version + 1,
            title=new_title,
            kind=sop.kind,
            template_key=sop.template_key,
            decree=new_decree,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        target.full_clean()
        target.save()
        _write_steps(target, cleaned)
        _activate(actor=actor, sop=target, replacing=sop)
    audit_record(
        actor=actor,
        action="sop.update",
        obj=target,
        summary=f"SOP {target.title} diubah (versi {target.version})",
        before=before,
        after={"title": target.title, "version": target.version, "steps": _steps_snapshot(target)},
    )
    return target


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
    from cms.selectors import news_index_page

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
    publish is still refused by the hooks in `wagtail_hooks`)."""
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
    audit_record(
        actor=actor,
        action="sop.activate",
        obj=sop,
        summary=f"SOP {sop.title} versi {sop.version} diberlakukan",
        before={"replacing": str(replacing) if replacing else None},
        after={"status": sop.status, "workflow": sop.workflow_id},
    )
    return sop


@transaction.atomic
def sop_activate(*, actor, sop: Sop) -> Sop:
    """Put a draft SOP in force; a publication SOP becomes the news section's workflow."""
    sop = Sop.objects.select_for_update().get(pk=sop.pk)
    if sop.status == Sop.Status.AKTIF:
        raise Conflict(f"SOP {sop} sudah berlaku.")
    if sop.status == Sop.Status.NONAKTIF:
        raise Conflict(f"SOP {sop} sudah dicabut; buat versi baru untuk memberlakukannya lagi.")
    return _activate(actor=actor, sop=sop, replacing=None)


@transaction.atomic
def sop_deactivate(*, actor, sop: Sop) -> Sop:
    """Revoke an SOP; a publication SOP's workflow no longer applies to new submissions."""
    sop = Sop.objects.select_for_update().get(pk=sop.pk)
    if sop.status != Sop.Status.AKTIF:
        raise Conflict(f"SOP {sop} tidak sedang berlaku.")
    if sop.workflow_id:
        WorkflowPage.objects.filter(workflow_id=sop.workflow_id).delete()
    sop.status = Sop.Status.NONAKTIF
    sop.retired_at = timezone.now()
    sop.save(update_fields=["status", "retired_at"])
    audit_record(
        actor=actor,
        action="sop.deactivate",
        obj=sop,
        summary=f"SOP {sop} dicabut",
        before={"status": Sop.Status.AKTIF},
        after={"status": sop.status},
    )
    return sop


# --- assignments (one timed record from penugasan to the shares) --------------------------------


def _in_role(user, step: SopStep | None) -> bool:
    if step is None:
        return False
    return bool(user.is_superuser or user.groups.filter(pk=step.role_id).exists())


def _stage_step(sop: Sop, stage: str) -> SopStep | None:
    return sop.steps.select_related("role").filter(stage=stage).order_by("order").first()


def active_publication_sop() -> Sop | None:
    return Sop.objects.filter(kind=Sop.Kind.PUBLIKASI, status=Sop.Status.AKTIF).first()


@transaction.atomic
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
    assignment = Assignment(
        sop=sop,
        event=(event or "").strip(),
        place=(place or "").strip(),
        event_at=event_at,
        assignee=assignee,
        nota_dinas=(nota_dinas or "").strip(),
        created_by=actor,
    )
    try:
        assignment.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        labels = {"event": "Kegiatan", "place": "Tempat", "nota_dinas": "Nomor nota dinas"}
        raise SimpulError(f"{labels.get(field, field)}: {' '.join(messages)}", field=field) from exc
    assignment.save()
    assignment_sync(assignment=assignment)
    audit_record(
        actor=actor,
        action="sop.assignment.create",
        obj=assignment,
        summary=f"Penugasan liputan {assignment.event} kepada {assignee.get_username()}",
        after=model_snapshot(assignment, ["event", "place", "event_at", "nota_dinas"]),
    )
    return assignment


@transaction.atomic
def assignment_start_draft(*, actor, assignment: Assignment, title: str = "") -> Page:
    """Step 2 begins: the assignee's draft news page, made from the assignment and linked to it."""
    from cms.models import NewsCategory, NewsPage

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
    assignment_sync(assignment=assignment)
    audit_record(
        actor=actor,
        action="sop.assignment.draft",
        obj=assignment,
        summary=f"Draf berita “{page.title}” dibuat dari penugasan",
        after={"page": page.pk},
    )
    return page


@transaction.atomic
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
    assignment_sync(assignment=assignment)
    audit_record(
        actor=actor,
        action="sop.assignment.shares",
        obj=assignment,
        summary=f"{len(created)} unggahan media sosial dicatat",
        after={"urls": [s.post_url for s in created]},
    )
    return created


def _official_accounts() -> dict[str, Any]:
    from tenants.registry.selectors import official_account_list_active

    return {str(a.pk): a for a in official_account_list_active()}


# --- timing -------------------------------------------------------------------------------------


def _page_workflow_task_states(page_id: int) -> tuple[list[WorkflowState], list[TaskState]]:
    page_ct = ContentType.objects.get_for_model(Page)
    states = list(
        WorkflowState.objects.filter(base_content_type=page_ct, object_id=str(page_id)).order_by(
            "created_at", "id"
        )
    )
    task_states = list(
        TaskState.objects.filter(workflow_state__in=states).order_by("started_at", "id")
    )
    return states, task_states


def _measure(assignment: Assignment, step: SopStep, states, task_states) -> dict:
    """State, start, end, attempts and executor of one step, from the assignment and Wagtail."""
    State = StepRecord.State
    stage = step.stage
    if stage == SopStep.Stage.PENUGASAN:
        done = assignment.draft_created_at
        return {
            "state": State.SELESAI if done else State.BERJALAN,
            "started_at": assignment.created_at,
            "finished_at": done,
            "attempt": 1,
            "executor_id": assignment.created_by_id,
        }
    if stage == SopStep.Stage.PENYUSUNAN:
        if assignment.draft_created_at is None:
            return {"state": State.MENUNGGU, "attempt": 0, "executor_id": assignment.assignee_id}
        submitted = states[0].created_at if states else None
        return {
            "state": State.SELESAI if submitted else State.BERJALAN,
            "started_at": assignment.draft_created_at,
            "finished_at": submitted,
            "attempt": 1,
            "executor_id": assignment.assignee_id,
        }
    if step.task_id:
        mine = [ts for ts in task_states if ts.task_id == step.task_id]
        attempts = [ts for ts in mine if ts.status != TaskState.STATUS_CANCELLED]
        if not mine:
            return {"state": State.MENUNGGU, "attempt": 0}
        latest = mine[-1]
        result = {"attempt": max(len(attempts), 1), "started_at": latest.started_at}
        if latest.status == TaskState.STATUS_IN_PROGRESS:
            return {**result, "state": State.BERJALAN, "finished_at": None}
        if latest.status == TaskState.STATUS_REJECTED:
            return {
                **result,
                "state": State.DIKEMBALIKAN,
                "finished_at": None,
                "executor_id": latest.finished_by_id,
            }
        if latest.status == TaskState.STATUS_APPROVED:
            if stage == SopStep.Stage.PUBLIKASI:
                done = assignment.shares_recorded_at
                return {
                    **result,
                    "state": State.SELESAI if done else State.BERJALAN,
                    "finished_at": done,
                    "executor_id": latest.finished_by_id,
                }
            return {
                **result,
                "state": State.SELESAI,
                "finished_at": latest.finished_at,
                "executor_id": latest.finished_by_id,
            }
        return {**result, "state": State.MENUNGGU, "finished_at": None}
    if stage == SopStep.Stage.PUBLIKASI and assignment.published_at:
        done = assignment.shares_recorded_at
        return {
            "state": State.SELESAI if done else State.BERJALAN,
            "started_at": assignment.published_at,
            "finished_at": done,
            "attempt": 1,
        }
    return {"state": State.MENUNGGU, "attempt": 0}


@transaction.atomic
def assignment_sync(*, assignment: Assignment) -> list[StepRecord]:
    """Bring the assignment's step records up to date with Wagtail's workflow and task states."""
    assignment = Assignment.objects.select_related("page").get(pk=assignment.pk)
    states: list = []
    task_states: list = []
    published_before = assignment.published_at
    if assignment.page_id:
        states, task_states = _page_workflow_task_states(assignment.page_id)
        first_published = assignment.page.first_published_at
        if first_published and assignment.published_at is None:
            assignment.published_at = first_published
    existing = {r.step_id: r for r in assignment.records.all()}
    records: list[StepRecord] = []
    for step in assignment.sop.steps.order_by("order"):
        measured = _measure(assignment, step, states, task_states)
        record = existing.get(step.pk) or StepRecord(assignment=assignment, step=step)
        values = {
            "state": measured["state"],
            "attempt": measured.get("attempt", 0),
            "started_at": measured.get("started_at"),
            "finished_at": measured.get("finished_at"),
            "executor_id": measured.get("executor_id"),
        }
        if record.pk is None or any(getattr(record, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(record, key, value)
            record.save()
        records.append(record)
    done = bool(records) and all(r.state == StepRecord.State.SELESAI for r in records)
    completed_at = max(r.finished_at for r in records) if done else None
    if assignment.completed_at != completed_at or assignment.published_at != published_before:
        assignment.completed_at = completed_at
        assignment.save(update_fields=["completed_at", "published_at"])
    return records


def assignment_sync_for_page(page_id: int | str | None) -> None:
    """Called from Wagtail's workflow signals: re-measure the assignment linked to a page."""
    if page_id in (None, ""):
        return
    assignment = Assignment.objects.filter(page_id=int(page_id)).first()
    if assignment is not None:
        assignment_sync(assignment=assignment)


# --- notifications ------------------------------------------------------------------------------


def _recipients(record: StepRecord) -> list:
    if record.executor_id:
        return [record.executor]
    return list(record.step.role.user_set.filter(is_active=True).order_by("pk"))


def _admin_url(path: str) -> str:
    from tenants.services import instansi_url

    tenant = getattr(connection, "tenant", None)
    if tenant is None or not getattr(tenant, "schema_name", None):
        return path
    return instansi_url(tenant, path)


@transaction.atomic
def deadline_sweep(*, now: datetime | None = None) -> list[Notification]:
    """Notify executors once at 80 % and once at 100 % of a running step's standard time.

    Idempotent: a notification is unique per step record, attempt, level and recipient, so
    running the sweep again (or twice at once) never sends a second notice.
    """
    from .tasks import send_notification_email

    now = now or timezone.now()
    for assignment in Assignment.objects.filter(completed_at__isnull=True).only("pk"):
        assignment_sync(assignment=assignment)
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
                    send_on_commit(send_notification_email, notification.pk)
    return created


def notification_send_email(*, notification_id: int) -> bool:
    """Send one notification's e-mail unless already sent (the outbox row records it)."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.email_sent_at or not notification.email:
            return False
        send_mail(
            notification.subject,
            notification.message,
            None,
            [notification.email],
            fail_silently=False,
        )
        notification.email_sent_at = timezone.now()
        notification.save(update_fields=["email_sent_at"])
    return True


def notification_resend_unsent(*, older_than_minutes: int = 2) -> int:
    """The sweeper: e-mails left unsent (broker or mail server down) are sent now."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    sent = 0
    pending = Notification.objects.filter(
        email_sent_at__isnull=True, created_at__lt=cutoff
    ).exclude(email="")
    for pk in pending.values_list("pk", flat=True):
        try:
            sent += notification_send_email(notification_id=pk)
        except Exception:  # noqa: BLE001 - one bad address must not stop the sweep
            logger.warning("notifikasi SOP %s gagal dikirim", pk, exc_info=True)
    return sent


@transaction.atomic
def notification_mark_read(*, actor, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if notification is None:
        raise NotFound("Notifikasi tidak ditemukan.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
