"""Model validation turned into the domain error, the same way for every app."""

from django.core.exceptions import ValidationError
from django.db.models import Model

from .errors import SimpulError


def full_clean(obj: Model, *, labels: dict[str, str] | None = None, **kwargs) -> None:
    """`obj.full_clean()`; the first failing field's messages become one SimpulError, after the
    field's label ("Tempat: …") when `labels` names it."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise validation_error(exc, labels=labels) from exc


def validation_error(exc: ValidationError, *, labels: dict[str, str] | None = None) -> SimpulError:
    if not hasattr(exc, "error_dict"):
        return SimpulError(" ".join(exc.messages))
    field, messages = next(iter(exc.message_dict.items()))
    text = " ".join(messages)
    if labels is not None:
        text = f"{labels.get(field, field)}: {text}"
    return SimpulError(text, field=None if field == "__all__" else field)
