"""Tenant-aware absolute admin links.

Wagtail reads one global WAGTAILADMIN_BASE_URL for links in notification e-mails and the
userbar; under django-tenants every instansi has its own host, so the base URL is computed from
the schema being served (a request or a Celery task in that schema).
"""

from django.conf import settings
from django.db import connection


def tenant_admin_base_url() -> str:
    tenant = getattr(connection, "tenant", None)
    schema = getattr(tenant, "schema_name", None)
    if not schema or schema == "public":
        return settings.WAGTAILADMIN_BASE_URL
    from .services import instansi_url

    return instansi_url(tenant, "").rstrip("/")


def install() -> None:
    from wagtail.admin import userbar, utils
    from wagtail.admin.templatetags import wagtailadmin_tags

    for module in (utils, userbar, wagtailadmin_tags):
        module.get_admin_base_url = tenant_admin_base_url
