"""Reads on instansi: listings for the portal and the console, lookups by slug."""

from django.db.models import QuerySet

from .models import ApiToken, AuditEntry, Instansi


def instansi_list_active() -> QuerySet[Instansi]:
    return Instansi.objects.active().order_by("name")


def instansi_list_all() -> QuerySet[Instansi]:
    """Every real instansi, archived ones included (Diskominfo's view)."""
    return Instansi.objects.served().order_by("name")


def instansi_get(slug: str) -> Instansi | None:
    return Instansi.objects.served().filter(schema_name=slug).first()


def api_token_list(*, instansi: Instansi) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(instansi=instansi)


def audit_list(
    *, instansi: Instansi, object_type: str | None = None, object_id: str | None = None
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(instansi=instansi)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=str(object_id))
    return entries
