"""Steps every registry write shares: the instansi in use, required fields, the trail, today."""

import datetime as dt
from typing import Any

from django.utils import timezone

from core.audit import record_change
from core.errors import SimpulError
from core.tenancy import instansi_in_use

from ...models import Instansi
from ..models import Appointment, DecreeItem


def _instansi() -> Instansi:
    """The instansi whose schema is in use (a request's tenant, or `schema_context`'s schema)."""
    return instansi_in_use(message="Registri hanya dapat diubah dari situs instansi.")


def _require(value: Any, field: str, label: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise SimpulError(f"{label} wajib diisi.", field=field)
    return value.strip() if isinstance(value, str) else value


def _audit(actor, action: str, obj, summary: str, before: dict | None, after: dict | None):
    """The audit row and Wagtail's history line of one change (`core.audit.record_change`)."""
    record_change(
        actor=actor,
        action=action,
        obj=obj,
        summary=summary,
        before=before,
        after=after,
        instansi=_instansi(),
    )


def _today() -> dt.date:
    return timezone.localdate()


def _decree_item(decree, obj, effect) -> DecreeItem:
    """The row of an SK's history saying what it did (`effect`) to one account or appointment."""
    if isinstance(obj, Appointment):
        kind, target = DecreeItem.Kind.APPOINTMENT, {"appointment": obj}
    else:
        kind, target = DecreeItem.Kind.ACCOUNT, {"account": obj}
    return DecreeItem.objects.create(
        decree=decree, kind=kind, label=str(obj)[:300], effect=effect, **target
    )
