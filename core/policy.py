"""The access policy: who may do what, the same for the admin, the API, the console and commands.

An action names a Django permission (`app_label.codename`). A user needs it (superusers have
all); an API client acts for its instansi with no admin rights, so it holds no permission; the
system (`actor=None`: commands run by an operator, periodic tasks) may do everything.
"""

from typing import Any

from rest_framework.permissions import BasePermission

from .errors import Forbidden

DENIED = "Anda tidak memiliki izin untuk tindakan ini."


def allows(actor: Any, permission: str | None) -> bool:
    if permission is None or actor is None:
        return True
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", True):
        return False
    return bool(actor.has_perm(permission))


def require(actor: Any, permission: str | None) -> None:
    if not allows(actor, permission):
        raise Forbidden(DENIED)


def is_instansi_caller(request) -> bool:
    """An API token of the instansi being served, or a signed-in admin user of its site."""
    user = request.user
    if getattr(request, "tenant", None) is None or not getattr(user, "is_authenticated", False):
        return False
    instansi = getattr(user, "instansi", None)
    if instansi is not None:
        return instansi.pk == request.tenant.pk
    return user.has_perm("wagtailadmin.access_admin")


class IsInstansiCaller(BasePermission):
    """DRF: the caller acts for the instansi whose host it called (token or admin session)."""

    message = "Masuk dengan token API atau akun admin instansi ini."

    def has_permission(self, request, view) -> bool:
        return is_instansi_caller(request)


# The OpenAPI security of operations that act for a person (the SOP's roles, the evaluator):
# a signed-in session only, never a token ("cookieAuth" is the session scheme of the schema).
SESSION_ONLY = [{"cookieAuth": []}]
