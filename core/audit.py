"""The audit trail: one call records who changed what, inside the caller's transaction, and the
same line in Wagtail's history for the models Wagtail logs (snippets, pages).

The AuditEntry model keeps its table in `tenants` (the public schema); the kernel names it by
the `SIMPUL_AUDIT_MODEL` setting, as Django names the user model, so it imports no app.
"""

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Model
from wagtail.log_actions import registry as wagtail_log

from .actors import actor_name, actor_user
from .tenancy import current_instansi


def audit_model():
    return apps.get_model(settings.SIMPUL_AUDIT_MODEL, require_ready=False)


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
    instansi=None,
):
    """Append one audit row. `actor` is a user, an API client, or None for the system."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    actor_id = getattr(actor, "pk", None) if authenticated else None
    if actor is None:
        name = "sistem"
    elif authenticated:
        name = actor_name(actor)
    else:
        name = ""
    return audit_model().objects.create(
        instansi=instansi or current_instansi(),
        actor_id=actor_id if isinstance(actor_id, int) else None,
        actor_name=name[:200],
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:500],
        before=before or {},
        after=after or {},
    )


def wagtail_logged(obj: Model) -> bool:
    """Does Wagtail keep a history for this object: a page, or a model registered as snippet
    (the ones whose history the admin shows)?

    Not Wagtail's own test: its log registry maps every model to ModelLogEntry, and that
    table lives in each instansi's schema, so a public-schema row (an inquiry, a report) has
    no Wagtail history to write to, and a line for any other model would be shown nowhere."""
    from wagtail.models import Page
    from wagtail.snippets.models import get_snippet_models

    return isinstance(obj, Page) or type(obj) in get_snippet_models()


def record_change(
    *,
    actor: Any,
    action: str,
    obj: Model,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    instansi=None,
):
    """The one write of a change's trail: the audit row (changed fields only) and, for what
    Wagtail logs, the same action in Wagtail's history, whatever the entry point was."""
    before, after = changed(before or {}, after or {})
    # The row's own modification time says nothing the audit row's time does not.
    before.pop("updated_at", None)
    after.pop("updated_at", None)
    entry = audit_record(
        actor=actor,
        action=action,
        obj=obj,
        summary=summary,
        before=before,
        after=after,
        instansi=instansi,
    )
    if wagtail_logged(obj):
        wagtail_log.log(instance=obj, action=action, user=actor_user(actor))
    return entry
