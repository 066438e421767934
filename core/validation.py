"""Model validation turned into the domain error, the same way for every app."""

from django.core.exceptions import ValidationError
from django.db.models import Model

from .errors import SimpulError


def full_clean(obj: Model, **kwargs) -> None:
    """`obj.full_clean()`; the first failing field's messages become one SimpulError."""
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise validation_error(exc) from exc


def validation_error(exc: ValidationError) -> SimpulError:
    if not hasattr(exc, "error_dict"):
        return SimpulError(" ".join(exc.messages))
    field, messages = next(iter(exc.message_dict.items()))
    return SimpulError(" ".join(messages), field=None if field == "__all__" else field)
