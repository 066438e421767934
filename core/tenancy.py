"""Which instansi a write belongs to: the request's tenant, or the schema set by `schema_context`."""

from django.db import connection
from django_tenants.utils import get_public_schema_name, get_tenant_model

from .errors import SimpulError


def current_instansi():
    """The tenant the connection serves, or None (public schema, or a schema set by name only)."""
    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, get_tenant_model()) else None


def instansi_in_use(*, message: str = "Aksi ini hanya dapat dilakukan dari situs instansi."):
    """The instansi whose schema is in use, also when `schema_context` set the schema by name
    (commands, tasks) without a real tenant object; a SimpulError on the public schema."""
    instansi = current_instansi()
    schema = connection.schema_name
    if instansi is None and schema not in (get_public_schema_name(), ""):
        instansi = get_tenant_model().objects.filter(schema_name=schema).first()
    if instansi is None or getattr(instansi, "is_template", False):
        raise SimpulError(message)
    return instansi
