"""SOP versions: create (also from a regulation's template), change, put in force, revoke.

A broken rule raises SimpulError before anything is written, so the SOP in force stays exactly
as it was; changing an active SOP makes a new active version."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import (
    WorkflowPage,
)

from core.actions import action
from core.audit import model_snapshot, record_change
from core.errors import Conflict, SimpulError

from ..blueprints import BLUEPRINTS
from ..models import Sop
from ._steps import (
    _check_decree,
    _clean_header,
    _clean_steps,
    _steps_snapshot,
    _write_steps,
    steps_as_input,
)
from .workflow import _activate

logger = logging.getLogger("simpul.sop")
User = get_user_model()


@action(
    "sop.create",
    "SOP dibuat",
    permission="sop.change_sop",
)
def sop_create(
    *, actor, title: str, kind: str, steps: list[dict], decree=None, template_key: str = ""
) -> Sop:
    """A new SOP (version 1, draft) with its steps."""
    return _create_sop(
        actor=actor, title=title, kind=kind, steps=steps, decree=decree, template_key=template_key
    )


def _create_sop(
    *, actor, title: str, kind: str, steps: list[dict], decree=None, template_key: str = ""
) -> Sop:
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
    record_change(
        actor=actor,
        action="sop.create",
        obj=sop,
        summary=f"SOP {sop.title} dibuat (draf)",
        after={**model_snapshot(sop, ["title", "kind", "version"]), "steps": _steps_snapshot(sop)},
    )
    return sop


@action(
    "sop.create_from_template",
    "SOP dibuat dari templat",
    permission="sop.change_sop",
)
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
    return _create_sop(
        actor=actor,
        title=title or blueprint.title,
        kind=blueprint.kind,
        steps=steps,
        template_key=blueprint.key,
    )


@action(
    "sop.update",
    "SOP diubah",
    permission="sop.change_sop",
)
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
    record_change(
        actor=actor,
        action="sop.update",
        obj=target,
        summary=f"SOP {target.title} diubah (versi {target.version})",
        before=before,
        after={"title": target.title, "version": target.version, "steps": _steps_snapshot(target)},
    )
    return target


@action(
    "sop.activate",
    "SOP diberlakukan",
    permission="sop.change_sop",
)
def sop_activate(*, actor, sop: Sop) -> Sop:
    """Put a draft SOP in force; a publication SOP becomes the news section's workflow."""
    sop = Sop.objects.select_for_update().get(pk=sop.pk)
    if sop.status == Sop.Status.AKTIF:
        raise Conflict(f"SOP {sop} sudah berlaku.")
    if sop.status == Sop.Status.NONAKTIF:
        raise Conflict(f"SOP {sop} sudah dicabut; buat versi baru untuk memberlakukannya lagi.")
    return _activate(actor=actor, sop=sop, replacing=None)


@action(
    "sop.deactivate",
    "SOP dicabut",
    permission="sop.change_sop",
)
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
    record_change(
        actor=actor,
        action="sop.deactivate",
        obj=sop,
        summary=f"SOP {sop} dicabut",
        before={"status": Sop.Status.AKTIF},
        after={"status": sop.status},
    )
    return sop
