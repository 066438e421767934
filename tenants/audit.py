"""The audit trail: one call records who changed what, inside the caller's transaction."""

from typing import Any

from django.db import connection
from django.db.models import Model

from .models import AuditEntry, Instansi


def current_instansi() -> Instansi | None:
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, Instansi) else None


def model_snapshot(obj: Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Plain-JSON values of a model's concrete fields, for `before`/`after`."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = field.value_from_object(obj)
        if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
            value = str(value)
        data[field.attname if field.is_relation else field.name] = value
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose values differ, so an audit row shows exactly what changed."""
    keys = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in keys if k in before}, {
        k: after.get(k) for k in keys if k in after
    }


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    instansi: Instansi | None = None,
) -> AuditEntry:
    """Append one audit row. `actor` is a user, an API client, or None for the system."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    actor_name = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        get_full_name = getattr(actor, "get_full_name", None)
        actor_name = (get_full_name() if callable(get_full_name) else "") or str(actor)
    elif actor is None:
        actor_name = "sistem"
    return AuditEntry.objects.create(
        instansi=instansi or current_instansi(),
        actor_id=actor_id if isinstance(actor_id, int) else None,
        actor_name=actor_name[:200],
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:500],
        before=before or {},
        after=after or {},
    )
