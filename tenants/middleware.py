"""Selects the schema for each request from its host: the portal, an instansi, or a 404 page."""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.urls import set_urlconf
from django_tenants.middleware.main import TenantMainMiddleware

from core.content_types import keeping_content_types

from .hosts import instansi_for_host


def _activate(tenant) -> None:
    """Point the connection at `tenant`'s schema (with public after it): one `SET search_path`
    with the request's first query, as django-tenants does, and the content types this
    process already knows of that schema.

    (The SET could be skipped when the previous request was for the same instansi, but then a
    request's query count would depend on what ran before it: query-count tests count it.)
    """
    with keeping_content_types():
        connection.set_tenant(tenant)


def _activate_public() -> None:
    with keeping_content_types():
        connection.set_schema_to_public()


class InstansiMiddleware(TenantMainMiddleware):
    """django-tenants' middleware with a cached host lookup and the regency portal on `<base>`.

    The bare base domain has no Instansi row: it is served from the public schema with the
    public urlconf. Unknown and archived hosts get the project's 404 page, never a 500.
    """

    def process_request(self, request):
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            _activate_public()
            return self.no_tenant_found(request, "")
        hostname = hostname.lower()
        if hostname == settings.SIMPUL_BASE_DOMAIN:
            _activate_public()
            request.tenant = None
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return None
        with keeping_content_types():
            tenant = instansi_for_host(hostname)  # reads the public schema when not cached
        if tenant is None or not tenant.is_active:
            _activate_public()
            return self.no_tenant_found(request, hostname)
        tenant.domain_url = hostname
        request.tenant = tenant
        _activate(tenant)
        self.setup_url_routing(request)
        return None
