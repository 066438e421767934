"""The access policy: who may do what, the same for the admin, the API, the console and commands.

An action names a Django permission (`app_label.codename`). A user needs it (superusers have
all); an API client acts for its instansi with no admin rights: it holds only the permissions
the apps declared for API clients (`declare_api_client_permissions`: the inbox's today); the
system (`actor=None`: commands run by an operator, periodic tasks, the public's forms) may do
everything. A regency permission (Diskominfo's evaluation) counts only on the super-tenant's
own site, so an instansi's superuser does not hold it on its own host. An action of the public
(a citizen's rating with the tracking code) names no permission: the code is its check.

The permissions are the models' own; `grant_permissions` gives them to role groups in the
schema in use (provisioning, SOP activation) and `grant_in_every_instansi` does so from a
shared app's data migration.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.apps import apps as django_apps
from rest_framework.permissions import BasePermission

from .errors import Forbidden, SimpulError
from .tenancy import instansi_in_use

DENIED = "Anda tidak memiliki izin untuk tindakan ini."

# Declared by the apps' permission modules when they load (as action names are registered),
# read only through the functions below: the one list of what an API token may do, the regency
# permissions, and what a caller without a permission is told.
_API_CLIENT: set[str] = set()
_REGENCY: set[str] = set()
_REFUSALS: dict[str, str] = {}


def declare_api_client_permissions(*permissions: str) -> None:
    """What an instansi's API token may do for its instansi (an app declares its own)."""
    _API_CLIENT.update(permissions)


def api_client_permissions() -> frozenset[str]:
    return frozenset(_API_CLIENT)


def declare_refusal(permission: str, message: str) -> None:
    """What a caller without `permission` is told (Indonesian), instead of the general DENIED."""
    _REFUSALS[permission] = message


def declare_regency_permissions(*permissions: str) -> None:
    """Permissions that count only on the super-tenant's (Diskominfo's) own site."""
    _REGENCY.update(permissions)


def _on_regency_site() -> bool:
    try:
        return bool(getattr(instansi_in_use(), "is_super", False))
    except SimpulError:
        return False


def allows(actor: Any, permission: str | None) -> bool:
    if permission is None or actor is None:
        return True
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", True):
        return False
    if permission in _REGENCY and not _on_regency_site():
        return False
    return bool(actor.has_perm(permission))


def require(actor: Any, permission: str | None) -> None:
    if not allows(actor, permission):
        raise Forbidden(_REFUSALS.get(permission or "", DENIED))


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


VERBS = {"add": "menambah", "change": "mengubah", "delete": "menghapus", "view": "melihat"}


def _declared(apps, permission: str) -> tuple[str, str] | None:
    """The model and name of a permission its model declares (Meta.permissions, or Django's
    default ones), from `apps` (a migration's historical registry or the live one)."""
    app_label, codename = permission.split(".", 1)
    try:
        models = apps.get_app_config(app_label).get_models()
    except LookupError:
        return None
    for model in models:
        opts = model._meta
        for code, name in opts.permissions:
            if code == codename:
                return opts.model_name, name
        for verb in opts.default_permissions:
            if codename == f"{verb}_{opts.model_name}":
                return opts.model_name, f"Dapat {VERBS.get(verb, verb)} {opts.verbose_name}"
    return None


def _permission_rows(apps, permissions: set[str]) -> dict[str, Any]:
    """The rows of `permissions` in the schema in use, made where missing: an instansi's schema
    has no rows of the shared apps' models (inbox, evaluation) until a grant makes them, and a
    migration runs before Django makes the rows of a new model."""
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    rows = {}
    for permission in sorted(permissions):
        app_label, codename = permission.split(".", 1)
        row = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        declared = _declared(apps, permission) if row is None else None
        if declared is not None:
            model, name = declared
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            row, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": str(name)[:255]}
            )
        if row is not None:
            rows[permission] = row
    return rows


def grant_permissions(
    grants: Mapping[str, Iterable[str]], *, apps=django_apps, create_groups: bool = True
) -> None:
    """Give role groups their permissions (`app_label.codename`) in the schema in use.

    Provisioning creates the groups it names; a data migration (`create_groups=False`) grants
    only to the groups an instansi still has. `apps` is a migration's historical registry, or
    the live one.
    """
    Group = apps.get_model("auth", "Group")
    rows = _permission_rows(apps, {p for perms in grants.values() for p in perms})
    for name, perms in grants.items():
        if create_groups:
            group, _ = Group.objects.get_or_create(name=name)
        else:
            group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*(rows[p] for p in perms if p in rows))


def grant_in_every_instansi(apps, grants_for: Callable[[Any], Mapping[str, Iterable[str]]]) -> None:
    """A shared app's data migration: grant permissions in the schema of every instansi (the
    template included), to the groups each still has. `grants_for(instansi)` says which, given
    the historical Instansi row."""
    from django.conf import settings
    from django_tenants.utils import schema_context, schema_exists

    Instansi = apps.get_model(settings.TENANT_MODEL)
    for instansi in Instansi.objects.order_by("pk"):
        if not schema_exists(instansi.schema_name):
            continue
        with schema_context(instansi.schema_name):
            grant_permissions(grants_for(instansi), apps=apps, create_groups=False)
