"""Who acted, as a printable name: a user's full name, an API client, or "sistem"."""

from typing import Any


def actor_name(actor: Any) -> str:
    if actor is None:
        return "sistem"
    get_full_name = getattr(actor, "get_full_name", None)
    name = get_full_name() if callable(get_full_name) else ""
    return (name or getattr(actor, "username", "") or str(actor))[:200]


def actor_user(actor: Any):
    """The actor when it is a real user row (Wagtail's history links users), else None."""
    pk = getattr(actor, "pk", None)
    if isinstance(pk, int) and getattr(actor, "is_authenticated", False):
        return actor
    return None
